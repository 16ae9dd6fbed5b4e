// Assessor calibration: draws the two charts from the page's JSON (json_script). The
// tables beside them carry the same figures for anyone who cannot see the canvas.
(function () {
  "use strict";
  var FLAG = "#b26b00", PLAIN = "#1f4e8c", LINE = "#b42318";

  function constant(value, count) {
    var values = [];
    for (var i = 0; i < count; i += 1) { values.push(value); }
    return values;
  }

  function colours(flags) {
    return flags.map(function (flagged) { return flagged ? FLAG : PLAIN; });
  }

  function options(extra) {
    var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var base = {
      responsive: true, maintainAspectRatio: false, animation: reduced ? false : undefined,
      plugins: { legend: { position: "bottom" } },
      scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } } }
    };
    base.scales.y = extra;
    return base;
  }

  function leniencyChart(canvas, data) {
    var count = data.labels.length;
    return new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.label, data: data.values, backgroundColor: colours(data.flagged), order: 2 },
          { type: "line", label: data.thresholdLabel + " +" + data.threshold, data: constant(data.threshold, count),
            borderColor: LINE, borderDash: [6, 4], pointRadius: 0, fill: false, order: 1 },
          { type: "line", label: data.thresholdLabel + " −" + data.threshold, data: constant(-data.threshold, count),
            borderColor: LINE, borderDash: [6, 4], pointRadius: 0, fill: false, order: 1 }
        ]
      },
      options: options({ title: { display: true, text: data.label } })
    });
  }

  function levelChart(canvas, data) {
    var datasets = [
      { type: "bar", label: data.label, data: data.values, backgroundColor: colours(data.flagged), order: 2 }
    ];
    if (data.national !== null) {
      datasets.push({ type: "line", label: data.nationalLabel + " " + data.national.toFixed(2),
        data: constant(data.national, data.labels.length), borderColor: LINE, borderDash: [6, 4],
        pointRadius: 0, fill: false, order: 1 });
    }
    return new window.Chart(canvas, {
      data: { labels: data.labels, datasets: datasets },
      options: options({ min: 0, max: data.max, ticks: { stepSize: 1 }, title: { display: true, text: data.label } })
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("calibration-chart-data");
    if (!source || !window.Chart) { return; }
    var data = JSON.parse(source.textContent);
    var leniency = document.getElementById("leniency-chart");
    var level = document.getElementById("level-chart");
    if (leniency && data.assessors.labels.length) { leniencyChart(leniency, data.assessors); }
    if (level && data.teams.labels.length) { levelChart(level, data.teams); }
  });
})();
