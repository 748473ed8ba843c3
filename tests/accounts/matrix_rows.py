"""Two-factor login's rows of the page permission matrix (tests/org/test_permission_matrix.py).
Personas, in order: anonymous, org_admin, reviewer, secretary, committee, recorder, member,
outsider. The matrix logs personas in with jifen.testing.otp.login_verified: the org department
(who must use two-factor login) has a device and a verified session; nobody else has a device
(reviewers need one only with JIFEN_2FA_REVIEWERS).
"""


def prepare(world) -> None:
    """Nothing to add: the rows read the world's users only."""


def row(*codes):
    keys = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
    return dict(zip(keys, codes, strict=True))


WEB_ROWS = {
    # everyone's own page: state, and backup codes for those who have a device
    "accounts:2fa": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    # verified already, or nothing to verify with: on to the next page
    "accounts:2fa-verify": ("get", lambda w: {}, row(302, 302, 302, 302, 302, 302, 302, 302)),
    # anyone may enrol; a device already there is changed only through an administrator's reset
    "accounts:2fa-enrol": ("get", lambda w: {}, row(302, 302, 200, 200, 200, 200, 200, 200)),
    # without a code the page comes back with the error; without a device, off to enrolment
    "accounts:2fa-backup-codes": ("post", lambda w: {},
                                  row(302, 200, 302, 302, 302, 302, 302, 302)),
    # like resetting a password: the org department over its members' logins; GET confirms
    "accounts:user-reset-2fa": ("get", lambda w: {"pk": w.users["member"].pk},
                                row(302, 200, 403, 403, 403, 403, 403, 403)),
}
