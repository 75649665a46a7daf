"""Leaders decide on a claim: approve (enough different leaders, never the claimant, never
who recorded it, and only while every rule passes) or refuse with a reason."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.core import audit, clock, users
from models.core.errors import PermissionDenied, UserError, ValidationError
from models.core.i18n import N_
from models.core.permissions import Permission, require
from models.core.schema import User
from models.welfare.claims import _draft_of, _judge
from models.welfare.register import ClaimRow, _get_claim, _rows, _Status, approvals_needed
from models.welfare.schema import WelfareClaim, WelfareClaimApproval


def _refuse_own(session: Session, actor: User, claim: WelfareClaim) -> None:
    if users.is_same_person(session, actor, claim.member_id):
        raise PermissionDenied(N_("{user} is the claimant and cannot decide on this claim."),
                               user=actor.username)


def check_approver(session: Session, actor: User, *, claim_id: int) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may approve claim ``claim_id``: a leader,
    not the claimant, and not the person who recorded the claim (maker-checker: even
    holding both roles, one person never records and approves the same claim)."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.APPROVE, claim.group_id)
    _refuse_own(session, actor, claim)
    if claim.recorded_by == actor.id:
        raise PermissionDenied(N_("{user} recorded this claim, so another leader must "
                                  "approve it."), user=actor.username)


def approve_claim(session: Session, actor: User, *, claim_id: int) -> ClaimRow:
    """One leader's approval. The claim is approved once enough different leaders (never
    the claimant, never who recorded it) have approved it; no one can approve while a
    rule fails."""
    claim = _get_claim(session, claim_id)
    check_approver(session, actor, claim_id=claim_id)
    if claim.status not in ("pending", "approved"):
        raise UserError(N_("Claim {number} is already {status}."), number=claim.number,
                        status=_Status(claim.status))
    if session.scalar(select(WelfareClaimApproval.id).where(
            WelfareClaimApproval.claim_id == claim.id,
            WelfareClaimApproval.user_id == actor.id)):
        raise UserError(N_("You have already approved claim {number}."), number=claim.number)
    needed = approvals_needed(session, claim.group_id, claim.amount_asked)
    count = _approval_count(session, claim.id)
    if count >= needed:
        raise UserError(N_("Claim {number} already has the approvals it needs."),
                        number=claim.number)
    failed = [r for r in _judge(session, claim.group_id, _draft_of(claim), claim.id)
              if not r.passed]
    if failed:
        raise ValidationError([r.as_error() for r in failed])
    session.add(WelfareClaimApproval(claim_id=claim.id, user_id=actor.id,
                                     approved_at=clock.now()))
    if count + 1 >= needed:
        claim.status = "approved"
    session.flush()
    audit.record(session, actor, "welfare.claim.approve", group_id=claim.group_id,
                 claim=claim.number, approvals=count + 1, needed=needed)
    return _rows(session, [claim])[0]


def _approval_count(session: Session, claim_id: int) -> int:
    return session.scalar(select(func.count(WelfareClaimApproval.id))
                          .where(WelfareClaimApproval.claim_id == claim_id))

def reject_claim(session: Session, actor: User, *, claim_id: int, reason: str) -> ClaimRow:
    """A leader refuses a claim that has not been paid; the reason is kept."""
    claim = _get_claim(session, claim_id)
    require(session, actor, Permission.APPROVE, claim.group_id)
    _refuse_own(session, actor, claim)
    reason = (reason or "").strip()
    if claim.status not in ("pending", "approved"):
        raise UserError(N_("Claim {number} is already {status}."), number=claim.number,
                        status=_Status(claim.status))
    if not reason:
        raise UserError(N_("Give the reason for refusing the claim."))
    claim.status = "rejected"
    claim.rejected_by = actor.id
    claim.rejected_at = clock.now()
    claim.rejection_reason = reason
    session.flush()
    audit.record(session, actor, "welfare.claim.reject", group_id=claim.group_id,
                 claim=claim.number, reason=reason)
    return _rows(session, [claim])[0]
