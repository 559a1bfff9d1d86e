"""Account services against PostgreSQL: users, invitations, tokens and deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.accounts.errors import (
    AccountExistsError,
    AuthenticationError,
    GrantNotAllowedError,
    InvalidGrantError,
    InvalidInvitationError,
    InvitationConflictError,
)
from app.accounts.models import Role
from app.accounts.services import (
    INVITATION_LIFETIME,
    LOGIN_FAILED,
    Grant,
    accept_invitation,
    authenticate,
    create_user,
    deactivate_user,
    invite,
    issue_token,
    open_session,
    resend_invitation,
    revoke_token,
    sha256,
    user_for_session,
    user_for_token,
)
from app.errors import NotFoundError
from tests.helpers.accounts import PASSWORD

NEW_PASSWORD = "a brand new passphrase"
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_emails_are_unique_whatever_their_case(session, make_staff):
    make_staff(Role.CREW_MEMBER, email="Anne.Dupont@Bruxelles.example")

    with pytest.raises(AccountExistsError):
        create_user(session, "anne.dupont@bruxelles.EXAMPLE", PASSWORD)
    user = authenticate(session, "ANNE.DUPONT@bruxelles.example", PASSWORD)
    assert user.email == "Anne.Dupont@Bruxelles.example"


def test_the_database_refuses_two_accounts_differing_only_by_case(session, make_staff):
    make_staff(Role.CREW_MEMBER, email="jan@gent.example")

    with pytest.raises(IntegrityError, match="uq_users_email_lower"):
        session.execute(text("INSERT INTO users (email) VALUES ('JAN@gent.example')"))


def test_unknown_email_and_wrong_password_fail_alike(session, make_staff):
    user = make_staff(Role.CREW_MEMBER)

    with pytest.raises(AuthenticationError) as unknown:
        authenticate(session, "nobody@commune.example", PASSWORD)
    with pytest.raises(AuthenticationError) as wrong:
        authenticate(session, user.email, "not the password at all")
    assert unknown.value.detail == wrong.value.detail == LOGIN_FAILED


def test_login_records_its_time(session, make_staff):
    user = make_staff(Role.CREW_MEMBER)

    authenticate(session, user.email, PASSWORD, now=NOW)

    assert user.last_login_at == NOW


def test_invited_user_cannot_log_in_until_they_accept(session, places):
    user, token = invite(session, "new@bruxelles.example", Grant(Role.CREW_MEMBER, places.brussels))

    assert not user.active and user.password_hash is None
    assert user.invitation_hash == sha256(token) and token not in user.invitation_hash
    with pytest.raises(AuthenticationError):
        authenticate(session, "new@bruxelles.example", NEW_PASSWORD)

    accept_invitation(session, token, NEW_PASSWORD, name="Nour")

    assert authenticate(session, "new@bruxelles.example", NEW_PASSWORD) == user
    assert user.name == "Nour"
    assert [(g.role, g.body_id) for g in user.grants] == [("crew_member", places.brussels)]


def test_invitation_works_only_once(session, places):
    _, token = invite(session, "once@bruxelles.example", Grant(Role.CREW_MEMBER, places.brussels))
    accept_invitation(session, token, NEW_PASSWORD)

    with pytest.raises(InvalidInvitationError):
        accept_invitation(session, token, "another new passphrase")
    assert authenticate(session, "once@bruxelles.example", NEW_PASSWORD)


def test_invitation_expires_after_seven_days(session, places):
    grant = Grant(Role.CREW_MEMBER, places.brussels)
    _, token = invite(session, "late@bruxelles.example", grant, now=NOW)

    with pytest.raises(InvalidInvitationError) as expired:
        accept_invitation(session, token, NEW_PASSWORD, now=NOW + INVITATION_LIFETIME)
    assert expired.value.extra == {"reason": "expired"}
    user = accept_invitation(session, token, NEW_PASSWORD, now=NOW + dt.timedelta(days=6))
    assert user.active


def test_forged_invitation_token_is_refused(session):
    with pytest.raises(InvalidInvitationError):
        accept_invitation(session, "made-up-token", NEW_PASSWORD)


def test_inviting_again_is_refused_and_resending_renews_the_link(session, places):
    grant = Grant(Role.CREW_MEMBER, places.brussels)
    _, first = invite(session, "again@bruxelles.example", grant)

    with pytest.raises(InvitationConflictError):
        invite(session, "again@bruxelles.example", Grant(Role.CREW_MEMBER, places.ixelles))
    _, second = resend_invitation(session, "again@bruxelles.example")

    with pytest.raises(InvalidInvitationError):
        accept_invitation(session, first, NEW_PASSWORD)
    user = accept_invitation(session, second, NEW_PASSWORD)
    assert [g.body_id for g in user.grants] == [places.brussels]


def test_inviting_an_existing_account_is_refused(session, make_staff, places):
    user = make_staff(Role.CREW_MEMBER)

    with pytest.raises(InvitationConflictError):
        invite(session, user.email, Grant(Role.CREW_MEMBER, places.ixelles))


def test_manager_invites_crew_to_own_body_only(session, make_staff, places):
    manager = make_staff(Role.COMMUNE_MANAGER)

    invite(
        session, "crew@bxl.example", Grant(Role.CREW_MEMBER, places.brussels), invited_by=manager
    )
    with pytest.raises(GrantNotAllowedError):
        invite(session, "x@ix.example", Grant(Role.CREW_MEMBER, places.ixelles), invited_by=manager)
    for role in (Role.COMMUNE_MANAGER,):
        with pytest.raises(GrantNotAllowedError):
            invite(session, "m@bxl.example", Grant(role, places.brussels), invited_by=manager)
    with pytest.raises(GrantNotAllowedError):
        invite(session, "a@bxl.example", Grant(Role.ADMINISTRATOR), invited_by=manager)


@pytest.mark.parametrize(
    "grant",
    [
        Grant(Role.CREW_MEMBER),
        Grant(Role.CREW_MEMBER, region_code="04000"),
        Grant(Role.REGION_REVIEWER, body_id=1),
        Grant(Role.REGION_REVIEWER, region_code="99999"),
        Grant(Role.ADMINISTRATOR, region_code="04000"),
        Grant(Role.COMMUNE_MANAGER, body_id=-1),
    ],
)
def test_role_and_scope_must_fit(session, grant):
    with pytest.raises(InvalidGrantError):
        invite(session, "who@example.org", grant)


def test_api_token_is_stored_only_as_its_hash(session, make_staff, connection):
    user = make_staff(Role.CREW_MEMBER)

    row, token = issue_token(session, user, "ticketing system")

    assert token.startswith(f"pave_{row.prefix}_")
    stored = connection.execute(text("SELECT * FROM api_tokens")).mappings().one()
    assert token not in str(dict(stored))
    assert stored["token_hash"] == sha256(token)
    assert user_for_token(session, token, now=NOW) == user
    assert row.last_used_at == NOW


def test_revoked_or_forged_tokens_are_refused(session, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    row, token = issue_token(session, user, "ticketing system")

    assert user_for_token(session, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert user_for_token(session, "pave_nothing_here") is None
    revoke_token(session, user, row.id)
    assert user_for_token(session, token) is None


def test_nobody_else_revokes_my_token(session, make_staff):
    mine = make_staff(Role.CREW_MEMBER)
    other = make_staff(Role.COMMUNE_MANAGER)
    row, token = issue_token(session, mine, "ticketing system")

    with pytest.raises(NotFoundError):
        revoke_token(session, other, row.id)
    assert user_for_token(session, token) == mine
    revoke_token(session, make_staff(Role.ADMINISTRATOR), row.id)
    assert user_for_token(session, token) is None


def test_deactivated_user_can_neither_log_in_nor_use_tokens(session, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    _, token = issue_token(session, user, "ticketing system")
    cookie_token = open_session(session, user, dt.timedelta(hours=12))

    deactivate_user(session, user)

    assert user_for_session(session, cookie_token, dt.timedelta(hours=12)) is None
    with pytest.raises(AuthenticationError):
        authenticate(session, user.email, PASSWORD)
    assert user_for_token(session, token) is None


def test_visible_bodies_follow_the_grants(session, make_staff, places):
    from app.accounts.access import visible_body_ids

    crew = make_staff(Role.CREW_MEMBER)
    reviewer = make_staff(Role.REGION_REVIEWER)

    assert visible_body_ids(session, crew) == {places.brussels}
    seen = visible_body_ids(session, reviewer)
    assert {places.brussels, places.ixelles, places.region_brussels} <= seen
    assert places.namur not in seen
    assert len(seen) == 19 + 1, "the 19 Brussels communes and Brussels Mobility"
    assert visible_body_ids(session, reviewer, "tickets.update") == frozenset()
    assert visible_body_ids(session, make_staff(Role.ADMINISTRATOR)) is None


def test_a_session_idle_longer_than_its_lifetime_is_ended_and_purged(session, make_staff):
    user = make_staff(Role.CREW_MEMBER)
    lifetime = dt.timedelta(hours=12)
    idle = open_session(session, user, lifetime, now=NOW)
    active = open_session(session, user, lifetime, now=NOW)

    later = NOW + dt.timedelta(hours=11)
    assert user_for_session(session, active, lifetime, now=later) == user
    # Twelve hours after its last use: over, even with a cookie that is still signed.
    too_late = NOW + dt.timedelta(hours=12, minutes=1)
    assert user_for_session(session, idle, lifetime, now=too_late) is None
    assert user_for_session(session, active, lifetime, now=too_late) == user

    # Opening another session removes the ones nobody can use any more.
    open_session(session, user, lifetime, now=too_late)
    hashes = session.execute(
        text("SELECT token_hash FROM staff_sessions WHERE user_id = :id"), {"id": user.id}
    ).scalars()
    assert sha256(idle) not in set(hashes)
