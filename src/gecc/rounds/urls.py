app_name = "rounds"

urlpatterns = []
