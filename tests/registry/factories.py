import factory

from gecc.registry.enums import UnitType
from gecc.registry.models import Organization, ServiceUnit


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name_th = factory.Sequence(lambda n: f"หน่วยงานทดสอบ {n}")
    name_en = factory.Sequence(lambda n: f"Test body {n}")


class ServiceUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceUnit
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"U{n:05d}")
    organization = factory.SubFactory(OrganizationFactory)
    name_th = factory.Sequence(lambda n: f"ศูนย์บริการทดสอบ {n}")
    unit_type = UnitType.BRANCH
    subdistrict_id = "510301"  # บ้านโฮ่ง, Lamphun
    postcode = "51130"

    @factory.post_generation
    def coordinators(self, create, extracted, **kwargs):
        if create and extracted:
            self.coordinators.set(extracted)
