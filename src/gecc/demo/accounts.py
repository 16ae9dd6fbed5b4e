"""Demo accounts: one per role, placeholders named by role, never real persons."""

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gecc.accounts.enums import Role
from gecc.accounts.models import RoleGrant, User

DEMO_PASSWORD = "gecc-demo-2563"
# A fixed base32 TOTP secret for the demo secretariat account only (the second factor is
# required for that role). Add it to an authenticator app or run `manage.py demo_otp`.
DEMO_TOTP_KEY_HEX = "3132333435363738393031323334353637383930"  # RFC 6238 test key

DEMO_ACCOUNTS = (
    ("secretariat@demo.gecc.local", "เจ้าหน้าที่สำนักงานเลขานุการ (ตัวอย่าง)", [Role.SECRETARIAT]),
    ("assessor@demo.gecc.local", "อนุกรรมการตรวจประเมิน คณะที่ 5 (ตัวอย่าง)", [Role.ASSESSOR]),
    ("coordinator@demo.gecc.local", "ผู้ประสานงานหน่วยบริการ (ตัวอย่าง)", [Role.COORDINATOR]),
    ("steering@demo.gecc.local", "กรรมการอำนวยการ (ตัวอย่าง)", [Role.STEERING]),
)


@transaction.atomic
def ensure_demo_accounts():
    """Create or refresh the demo accounts; running it twice changes nothing more."""
    users = []
    for email, name, roles in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=email, defaults={"full_name": name})
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.full_name = name
            user.save()
        for role in roles:
            RoleGrant.objects.get_or_create(user=user, role=role)
        if Role.SECRETARIAT in roles:
            TOTPDevice.objects.get_or_create(
                user=user, name="demo",
                defaults={"key": DEMO_TOTP_KEY_HEX, "confirmed": True},
            )
        users.append((user, roles))
    return users
