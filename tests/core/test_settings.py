"""Settings refuse to start production without its secrets."""

import os
import subprocess
import sys


def run_check(**env):
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "JIFEN_FIELD_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    clean.update(env)
    return subprocess.run([sys.executable, "-m", "jifen", "check"], env=clean,
                          capture_output=True, text=True, cwd="/tmp")


def test_secret_key_is_required_when_debug_is_off():
    result = run_check(DEBUG="False", JIFEN_FIELD_KEY="x")
    assert result.returncode != 0 and "SECRET_KEY 未设置" in result.stderr


def test_field_key_is_required_when_debug_is_off():
    result = run_check(DEBUG="False", SECRET_KEY="s" * 60)
    assert result.returncode != 0 and "JIFEN_FIELD_KEY 未设置" in result.stderr


def test_chinese_and_shanghai(settings):
    assert (settings.LANGUAGE_CODE, settings.TIME_ZONE, settings.USE_TZ) == (
        "zh-hans", "Asia/Shanghai", True)
