"""Password rules and the change a user must make before using the system.

The rules (settings.AUTH_PASSWORD_VALIDATORS) follow 等保 2.0 level 3 for identification:
at least ``PASSWORD_MIN_LENGTH`` characters, three of the four character classes, not like
the user's name, not a common password. Each rule is said here in the words of this
system's users (Django's catalogue leaves the length in English and names the user's
attributes by their raw verbose names); the class rule is ours.
"""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse

from renewal.kit import second_factor

CLASSES = {
    "大写字母": re.compile(r"[A-Z]"),
    "小写字母": re.compile(r"[a-z]"),
    "数字": re.compile(r"[0-9]"),
    "符号": re.compile(r"[^A-Za-z0-9]"),
}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, said in Chinese (its zh-hans catalogue leaves it in English)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not like the login name or the person's name (attribute names shown as users know them)."""

    def get_error_message(self):
        # Django fills in the attribute's verbose name ("用户名", "名字"); one plain sentence
        # covers them all and reads the same for every account.
        return "密码与您的登录名或姓名太相似，请换一个。"

    def get_help_text(self):
        return "密码不能与登录名、姓名相似。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "密码不能是常见密码。"


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"


class CharacterClassesValidator:
    """At least ``min_classes`` of upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = [name for name, pattern in CLASSES.items() if pattern.search(password)]
        if len(present) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return f"密码须包含大写字母、小写字母、数字和符号中的至少 {self.min_classes} 类。"


class PasswordChangeRequiredMiddleware:
    """A user whose profile says the password must be changed (set by an administrator, e.g.
    after a reset) reaches only the change page and logging out until it is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # Someone still held for the second factor is on its pages; the change comes after.
        if (
            user is not None
            and user.is_authenticated
            and _must_change(user)
            and not second_factor.must_verify(user)
        ):
            step = reverse("renewal:password-change")
            if request.path != step and not second_factor.always_open(request):
                return second_factor.hold(request, step, "请先修改密码。", keep_next=False)
        return self.get_response(request)


def _must_change(user) -> bool:
    profile = getattr(user, "profile", None)
    return bool(profile and profile.must_change_password)
