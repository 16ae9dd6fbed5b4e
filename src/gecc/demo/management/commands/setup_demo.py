import base64

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from gecc.applications.demo import load_lamphun_2563_round
from gecc.criteria.interfaces.example import load_example_edition
from gecc.demo.accounts import DEMO_PASSWORD, DEMO_TOTP_KEY_HEX, ensure_demo_accounts
from gecc.demo.decisions import load_lamphun_2563_decisions
from gecc.demo.evidence import attach_demo_evidence
from gecc.demo.field import ensure_field_demo_round
from gecc.demo.rounds import ensure_open_demo_round
from gecc.demo.scoring import close_site_visits, load_lamphun_2563_scores
from gecc.demo.visits import load_lamphun_2563_visits
from gecc.registry.demo import load_lamphun_demo


class Command(BaseCommand):
    help = "Create the demo accounts and load the Lamphun 2563 demo round (idempotent)."

    def handle(self, *args, **options):
        users = ensure_demo_accounts()
        load_lamphun_demo()
        outcome = load_example_edition()
        self.stdout.write(f"Criteria: {outcome.version} (example edition)")
        # The demo round's history sends the usual emails; keep them in the outbox only,
        # not on the console where they would bury the logins.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            demo_round = load_lamphun_2563_round(before_submit=attach_demo_evidence)
            team = load_lamphun_2563_visits(demo_round, users[0][0])
            load_lamphun_2563_scores(team)
            close_site_visits(demo_round, users[0][0])
            decided = load_lamphun_2563_decisions(demo_round)
            field_round = ensure_field_demo_round(before_submit=attach_demo_evidence)
        self.stdout.write(f"Round: {demo_round} with the eight Lamphun applications")
        self.stdout.write(f"  {team}: visits on 8–9 June 2563, itinerary confirmed, every unit "
                          "scored by the members and consolidated (proposed results); the "
                          "round went on to the steering committee's decision")
        self.stdout.write(self._decisions_text(decided))
        self.stdout.write(f"Round: {field_round} in its site visits: the demo member scores "
                          "three Lamphun units in the field app (/field/)")
        open_round = ensure_open_demo_round()
        self.stdout.write(f"Round: {open_round} open for applications (try the coordinator)")
        secret = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY_HEX)).decode()
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for user, roles in users:
            self.stdout.write(f"  {', '.join(roles):<14} {user.email}")
        self.stdout.write(
            f"  The secretariat account needs a second factor: TOTP secret {secret}\n"
            "  (add it to an authenticator app, or run `.venv/bin/python manage.py demo_otp`)."
        )
        self.stdout.write("")

    def _decisions_text(self, decided):
        certificates = decided.certificates
        levels = {}
        for certificate in sorted(certificates, key=lambda c: c.level_rank):
            levels[certificate.level_name_th] = levels.get(certificate.level_name_th, 0) + 1
        by_level = ", ".join(f"{name} {count}" for name, count in levels.items())
        lines = [f"  Steering-committee meeting {decided.meeting} (held "
                 f"{decided.meeting.held_on:%Y-%m-%d}, {decided.meeting.state}): "
                 f"{decided.meeting.decisions.count()} decisions, the proposed levels approved; "
                 "the feedback reports released to the units"]
        if certificates:
            lines.append(f"  Certificates {certificates[0].number} … {certificates[-1].number} "
                         f"({by_level}); check one at /verify/<number>/ or on the public "
                         "registry (/registry/)")
        if decided.appeal is not None:
            lines.append(f"  Appeal in progress: {decided.appeal.application.unit.name_th} asks "
                         f"for {decided.appeal.requested_level} ({decided.appeal.state}, "
                         "reviewer: the steering-committee login)")
        if decided.suspended is not None:
            lines.append(f"  Suspended after a public complaint: {decided.suspended.number} "
                         f"({decided.suspended.unit.name_th}, {decided.suspended.state})")
        if decided.expired is not None:
            lines.append(f"  Expired (history, round {decided.expired.year}): "
                         f"{decided.expired.number} ({decided.expired.unit.name_th}, valid until "
                         f"{decided.expired.valid_until:%Y-%m-%d}, {decided.expired.state})")
        return "\n".join(lines)
