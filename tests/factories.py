import factory

from gecc.accounts.models import RoleGrant, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.go.th")
    full_name = factory.Sequence(lambda n: f"ผู้ใช้ทดสอบ {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or []:
            RoleGrant.objects.create(user=self, role=role)
