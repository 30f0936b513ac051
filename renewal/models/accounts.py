"""Accounts: departments, users' roles and regions, the log of sensitive reads, export jobs."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from renewal.models.base import audited
from renewal.models.regions import Region


class Department(models.Model):
    """A joint-review department (联审部门)."""

    code = models.SlugField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)

    class Meta:
        verbose_name = "联审部门"
        verbose_name_plural = "联审部门"
        ordering = ["id"]

    def __str__(self):
        return self.name


@audited()
class Profile(models.Model):
    """A user's role and home region; grants themselves are guardian rows on regions."""

    class Role(models.TextChoices):
        TOWNSHIP_STAFF = "township_staff", "乡镇(街道)工作人员"
        TOWNSHIP_LEADER = "township_leader", "乡镇(街道)党(工)委负责人"
        COUNTY_REVIEWER = "county_reviewer", "县委组织部审核人员"
        CITY_REVIEWER = "city_reviewer", "市委组织部审核人员"
        PROVINCE_REVIEWER = "province_reviewer", "省委组织部审核人员"
        DISCIPLINE_OFFICER = "discipline_officer", "纪检监察人员"
        DEPARTMENT_USER = "department_user", "联审部门人员"
        ADMIN = "admin", "系统管理员"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT
    )

    class Signoff(models.TextChoices):
        MINISTER = "minister", "组织部长"
        COUNTY_SECRETARY = "county_secretary", "区(县)委书记"

    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="勾选后，该用户登录后须先修改密码才能使用系统（如管理员重置密码后）。",
    )
    signoff = models.CharField(
        "备案签字身份",
        max_length=20,
        choices=Signoff.choices,
        blank=True,
        help_text="村(社区)党组织书记人选报县备案须由组织部长和区(县)委书记两人分别签字。",
    )

    class Meta:
        verbose_name = "用户角色"
        verbose_name_plural = "用户角色"

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.username}（{self.get_role_display()}）"


class AccessLog(models.Model):
    """Sensitive reads: unmasked personal data and exports (who, when, what, how many)."""

    class Action(models.TextChoices):
        EXPORT = "export", "导出"
        UNMASK = "unmask", "查看完整个人信息"
        DOWNLOAD = "download", "下载文件"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    action = models.CharField(max_length=12, choices=Action.choices)
    target = models.CharField("对象", max_length=200)
    detail = models.JSONField("详情", default=dict, blank=True)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "敏感操作日志"
        verbose_name_plural = "敏感操作日志"
        ordering = ["-at"]


class SecurityEvent(models.Model):
    """Sign-in and account-security events (等保 2.0 安全审计): who, from where, what happened.

    Failures are recorded with the name that was typed, which need not be an account, so the
    user is optional; the client address is kept as the request saw it.
    """

    class Kind(models.TextChoices):
        LOGIN = "login", "登录成功"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOCKED_OUT = "locked_out", "账号锁定"
        UNLOCKED = "unlocked", "解除锁定"
        LOGOUT = "logout", "退出登录"
        IDLE_LOGOUT = "idle_logout", "长时间未操作自动退出"
        PASSWORD_CHANGED = "password_changed", "修改密码"
        PASSWORD_RESET = "password_reset", "管理员要求修改密码"
        OTP_ENROLLED = "otp_enrolled", "绑定动态口令"
        OTP_FAILED = "otp_failed", "动态口令错误"
        OTP_RECOVERY_USED = "otp_recovery", "使用备用验证码"
        OTP_RECOVERY_RENEWED = "otp_codes", "重新生成备用验证码"
        OTP_RESET = "otp_reset", "管理员重置动态口令"

    kind = models.CharField("事件", max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="security_events",
    )
    username = models.CharField("登录名", max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="管理员解锁、重置时为管理员本人",
    )
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "安全事件"
        verbose_name_plural = "安全事件"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.username}"


class ExportJob(models.Model):
    """A background export; the user polls its progress and downloads the file."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, default="units")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done_rows = models.PositiveIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def stalled(self) -> bool:
        """Queued for longer than ``EXPORT_QUEUE_TIMEOUT_MINUTES``: no worker has taken it
        (the worker or the broker is down), so it is shown as failed and can be retried."""
        timeout = datetime.timedelta(minutes=settings.EXPORT_QUEUE_TIMEOUT_MINUTES)
        return self.status == self.Status.QUEUED and self.created_at < timezone.now() - timeout

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED or self.stalled

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0
