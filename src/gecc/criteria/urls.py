app_name = "criteria"

urlpatterns = []
