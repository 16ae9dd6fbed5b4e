import factory
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

# The RFC 6238 test key, the same one the demo secretariat account uses.
KNOWN_KEY_HEX = "3132333435363738393031323334353637383930"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    name = "phone"
    key = KNOWN_KEY_HEX
    confirmed = True


def code_for(device_or_key, steps_ahead=0) -> str:
    """The current 6-digit code (``steps_ahead`` moves it 30 s on, within the tolerance)."""
    key = device_or_key if isinstance(device_or_key, str) else device_or_key.key
    return f"{totp(bytes.fromhex(key), drift=steps_ahead):06d}"
