package console

import (
	"context"
	"net/url"
	"slices"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/store"
)

// Every item page (an account, a listing, a case, an appeal, a decision)
// ends with its audit trail: the newest entries of the marketplace's
// chain about the item, and about the items around it that name it, as
// the services write them (an appeal's entries are about its account and
// name the appeal). "Full audit trail" opens the audit page filtered to
// the item (?subject_type=&subject_id=), which pages through the same
// entries. A trail reads only the marketplace's chain, which every role
// may read on the audit page; the operators' chain, which it shows only
// to operators, holds no item's entries.

// trailSize is how many entries an item page's trail shows, and how many
// of the listings and cases it links to each of its lists shows.
const trailSize = 20

// itemRef is an item of the marketplace named by its kind (an audit
// subject type) and id, for the "item-link" partial.
type itemRef struct{ Type, ID string }

// URL is the item's console page, "" for a kind that has none.
func (it itemRef) URL() string {
	switch it.Type {
	case "account":
		return accountURL(it.ID)
	case "listing":
		return listingURL(it.ID)
	case "case":
		return caseURL(it.ID)
	case "appeal":
		return appealURL(it.ID)
	case "decision":
		return consoleURL("decisions", it.ID)
	}
	return ""
}

// TrailURL is the audit page filtered to the item's trail.
func (it itemRef) TrailURL() string {
	return consolePath + "audit?" + url.Values{"subject_type": {it.Type}, "subject_id": {it.ID}}.Encode()
}

// auditTable is the "audit-table" partial: Of is the item whose trail
// the entries are, if they are one; Brief shows them as its page does.
type auditTable struct {
	Rows  []auditRow
	Of    itemRef
	Brief bool
}

// trail is an item page's "audit-trail" partial: the newest entries of
// the item's trail.
type trail struct {
	Of   itemRef
	Rows []auditRow
}

// Table is the trail's entries as the "audit-table" partial lists them.
func (t trail) Table() auditTable { return auditTable{Rows: t.Rows, Of: t.Of, Brief: true} }

// The subjects of each kind of item's trail.

// ownTrail is the entries about the item itself: an account's or a
// listing's trail, or any other subject's.
func ownTrail(it itemRef) []store.AuditSubject {
	return []store.AuditSubject{{Type: it.Type, ID: it.ID}}
}

// caseTrail is a case's own entries, the statement of reasons its
// decision issued about its target (naming the case as case_id), and the
// warning or recommendation it made about the account (source_ref).
func caseTrail(id, targetType, targetID, accountID string) []store.AuditSubject {
	s := []store.AuditSubject{{Type: "case", ID: id}, {Type: targetType, ID: targetID, Key: "case_id", Value: id}}
	if accountID != "" {
		s = append(s, store.AuditSubject{Type: "account", ID: accountID, Key: "source_ref", Value: id})
	}
	return s
}

// appealTrail is an appeal's entries, which are about its account and name
// it as appeal_id (filed, escalated, decided, SLA breached), and the
// enforcement step its outcome took (source_ref).
func appealTrail(id, accountID string) []store.AuditSubject {
	return []store.AuditSubject{{Type: "account", ID: accountID, Key: "appeal_id", Value: id},
		{Type: "account", ID: accountID, Key: "source_ref", Value: id}}
}

// decisionTrail is an automated decision's entries: the check and the
// statement of reasons it issued, about its subject, and the hold of the
// case it opened (held, if any), each naming it as decision_id.
func decisionTrail(d store.Decision, held *store.Case) []store.AuditSubject {
	s := []store.AuditSubject{{Type: d.SubjectType, ID: d.SubjectID, Key: "decision_id", Value: d.ID}}
	if held != nil {
		s = append(s, store.AuditSubject{Type: "case", ID: held.ID, Key: "decision_id", Value: d.ID})
	}
	return s
}

// loadTrail reads the newest entries of item it's trail, whose subjects
// are subjects, for its page in v's marketplace; name names their actors
// (the page's actorNames).
func (c *server) loadTrail(ctx context.Context, v *viewer, name func(typ, id string) string, it itemRef, subjects []store.AuditSubject) (trail, error) {
	entries, err := c.d.DB.AuditTrail(ctx, store.AuditTrailQuery{Chain: v.mp.ID, Subjects: subjects, Limit: trailSize})
	return trail{Of: it, Rows: namedRows(entries, name)}, err
}

// trailSubjects are the subjects of item it's trail in chain, for the
// audit page filtered to it: a case's, an appeal's or a decision's as its
// page reads them (loading the item), any other subject's own entries.
func (c *server) trailSubjects(ctx context.Context, chain string, it itemRef) ([]store.AuditSubject, error) {
	if chain == audit.SystemChain {
		return ownTrail(it), nil
	}
	switch it.Type {
	case "case":
		k, err := c.d.DB.Case(ctx, chain, it.ID)
		return caseTrail(k.ID, k.TargetType, k.TargetID, k.AccountID), err
	case "appeal":
		a, err := c.d.DB.Appeal(ctx, chain, it.ID)
		return appealTrail(a.ID, a.AccountID), err
	case "decision":
		d, err := c.d.DB.Decision(ctx, chain, it.ID)
		if err != nil {
			return nil, err
		}
		held, err := c.heldIn(ctx, d)
		return decisionTrail(d, held), err
	}
	return ownTrail(it), nil
}

// heldIn is the case an automated decision opened to hold its subject
// for a person, if any: the one of the newest cases on the subject that
// names the decision.
func (c *server) heldIn(ctx context.Context, d store.Decision) (*store.Case, error) {
	cs, err := c.d.DB.TargetCases(ctx, d.MarketplaceID, d.AccountID, d.SubjectType, d.SubjectID, trailSize)
	if i := slices.IndexFunc(cs, func(k store.Case) bool { return k.DecisionID == d.ID }); i >= 0 {
		return &cs[i], err
	}
	return nil, err
}
