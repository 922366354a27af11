package enforce

import (
	"cmp"
	"context"
	"fmt"

	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/store"
)

// ContentRestricted issues the statement of reasons of a decision that
// restricts an item of content, inside the decision's transaction (R-C2):
// a listing rejected, paused or sent back for changes, a message blocked
// or removed, a review rejected or removed — each restriction the policy's
// DSA mapping (enforcement.dsa.decisions) lists; one it does not list
// issues none. The statement is stored, audited and sent as
// statement.issued for the marketplace to pass to the user.
func (s *Service) ContentRestricted(ctx context.Context, tx *store.Tx, r check.Restriction) error {
	pol := r.Policy
	key := r.SubjectType + "." + r.What
	m := pol.Enforcement.DSA
	if _, ok := m.Decisions[key]; !ok {
		return nil
	}
	facts, err := tx.AccountFacts(ctx, r.MarketplaceID, r.AccountID)
	if err != nil {
		return err
	}
	id := cmp.Or(r.Ground, "other")
	g := pol.Enforcement.Grounds[id]
	ground := StatementGround{ID: id, Clause: cmp.Or(r.Clause, g.Clause), Type: "incompatible_content"}
	if g.Illegal {
		ground.Type, ground.LegalGround = "illegal_content", g.LegalGround
	}
	text := r.Facts
	if !r.Human {
		text = fmt.Sprintf("Our automated checks found that the %s breaks our rules: %s", r.SubjectType, r.Facts)
	}
	appeal := AppealPath{Available: true, Deadline: r.At.AddDate(0, pol.Appeals.ComplaintWindowMonths, 0),
		How:           "Ask us to review the decision: say what went wrong, what you have corrected and how you will prevent it.",
		DecidedWithin: pol.Appeals.ComplaintSLA.String(), Against: &AppealRef{Type: r.RefType, ID: r.RefID}}
	desc, lost := contentScope(r.SubjectType, r.What)
	st := Statement{ID: s.NewID(), AccountID: r.AccountID, ActionID: r.RefID, IssuedAt: r.At, EffectiveAt: r.At,
		Content:     &StatementContent{Type: r.SubjectType, ID: r.SubjectID},
		Restriction: StatementRestriction{Description: desc, Scope: lost, Start: r.At},
		Facts:       text, Source: r.Source, AutomatedDetection: automatedDetection(r.Source), AutomatedDecision: !r.Human,
		Ground: ground, Business: facts.Kind == "business", Redress: redress(appeal)}
	st.DSA = dsaRecord(st, g, r.Notifier, m, key, r.SubjectType)
	if err := s.issue(ctx, tx, r.MarketplaceID, st); err != nil {
		return err
	}
	return tx.Audit(ctx, r.MarketplaceID, r.Actor, "statement.issued", r.SubjectType, r.SubjectID,
		map[string]any{"statement_id": st.ID, "restriction": key, "ground": id, r.RefType + "_id": r.RefID}, r.At)
}

// contentScope describes a content restriction and what it takes away.
func contentScope(subject, what string) (description string, lost []string) {
	switch subject + "." + what {
	case "listing.rejected":
		return "Listing removed", []string{"the listing's visibility on the marketplace"}
	case "listing.paused":
		return "Listing paused", []string{"the listing's visibility until it is restored"}
	case "listing.changes_requested":
		return "Listing sent back for changes", []string{"the listing's visibility until the requested changes are made"}
	case "message.block", "message.removed":
		return "Message removed", []string{"delivery of the message"}
	case "message.mask":
		return "Contact details in the message masked", []string{"the contact details in the message"}
	case "review.reject", "review.removed":
		return "Review removed", []string{"the review's visibility on the marketplace"}
	}
	return "Content restricted", nil
}
