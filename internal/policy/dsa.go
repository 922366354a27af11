package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vigil-ts/vigil/internal/dsa"
)

// DSA maps Vigil's restrictions onto the EU DSA Transparency Database's
// statement fields (R-C2), so that the statements of reasons Vigil issues
// export as the database wants them.
type DSA struct {
	// TerritorialScope are the EEA countries, by ISO code, where the
	// marketplace's restrictions apply.
	TerritorialScope []string `yaml:"territorial_scope"`
	// Content describes each kind of content a statement can be about —
	// account, listing, message, review — in the database's content types.
	Content map[string]DSAContent `yaml:"content"`
	// Decisions maps each restriction to the database's decision fields:
	// the tiers restricted, suspended and blocked, every sanction, and the
	// content restrictions (see [ContentRestrictions]). A content
	// restriction without an entry issues no statement.
	Decisions map[string]DSADecision `yaml:"decisions"`
}

// DSAContent is a kind of content in the database's terms.
type DSAContent struct {
	Types []string `yaml:"types"`
	// Other describes the content when Types has CONTENT_TYPE_OTHER.
	Other string `yaml:"other"`
}

// DSADecision is a restriction in the database's decision fields; at
// least one is set.
type DSADecision struct {
	Visibility []string `yaml:"visibility"`
	// VisibilityOther explains DECISION_VISIBILITY_OTHER.
	VisibilityOther string `yaml:"visibility_other"`
	Monetary        string `yaml:"monetary"`
	// MonetaryOther explains DECISION_MONETARY_OTHER.
	MonetaryOther string `yaml:"monetary_other"`
	Provision     string `yaml:"provision"`
	Account       string `yaml:"account"`
}

// ContentRestrictions are the content decisions a statement of reasons
// may be issued for, as SUBJECT.WHAT: a check's outcome (listing.rejected,
// listing.changes_requested, message.block, message.mask, review.reject)
// or a moderator's closing action on a case (listing.rejected,
// listing.paused, listing.changes_requested, message.removed,
// review.removed).
func ContentRestrictions() []string {
	return []string{"listing.rejected", "listing.paused", "listing.changes_requested", "message.block", "message.mask",
		"message.removed", "review.reject", "review.removed"}
}

// ContentKinds are the kinds of content statements are about.
func ContentKinds() []string { return []string{"account", "listing", "message", "review"} }

// defaultDSA is Vigil's mapping. Account restrictions: restricted and
// the loss of live selling suspend part of the service, suspensions all
// of it, a block or ban ends it; the payout and commission sanctions are
// monetary. Content: a rejected or removed item is removed, a paused one
// or one sent back for changes disabled until the seller acts. Masking
// contact details in a message issues none by default: add
// message.mask to issue them.
func defaultDSA() DSA {
	partial := DSADecision{Provision: "DECISION_PROVISION_PARTIAL_SUSPENSION"}
	suspended := DSADecision{Account: "DECISION_ACCOUNT_SUSPENDED", Provision: "DECISION_PROVISION_TOTAL_SUSPENSION"}
	terminated := DSADecision{Account: "DECISION_ACCOUNT_TERMINATED", Provision: "DECISION_PROVISION_TOTAL_TERMINATION"}
	removed := DSADecision{Visibility: []string{"DECISION_VISIBILITY_CONTENT_REMOVED"}}
	disabled := DSADecision{Visibility: []string{"DECISION_VISIBILITY_CONTENT_DISABLED"}}
	return DSA{
		TerritorialScope: dsa.Territories(),
		Content: map[string]DSAContent{
			"account": {Types: []string{dsa.ContentTypeOther}, Other: "marketplace account"},
			"listing": {Types: []string{"CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_TEXT", "CONTENT_TYPE_IMAGE"}},
			"message": {Types: []string{"CONTENT_TYPE_TEXT"}},
			"review":  {Types: []string{"CONTENT_TYPE_TEXT"}},
		},
		Decisions: map[string]DSADecision{
			"restricted":                partial,
			"suspended":                 suspended,
			"blocked":                   terminated,
			"live_selling_loss":         partial,
			"temporary_suspension":      suspended,
			"permanent_ban":             terminated,
			"early_payout_loss":         {Monetary: dsa.MonetaryOther, MonetaryOther: "Payout delayed until delivery instead of when the label is printed"},
			"raised_commission":         {Monetary: dsa.MonetaryOther, MonetaryOther: "Raised commission rate on sales"},
			"listing.rejected":          removed,
			"listing.paused":            disabled,
			"listing.changes_requested": disabled,
			"message.block":             removed,
			"message.removed":           removed,
			"review.reject":             removed,
			"review.removed":            removed,
		},
	}
}

// accountRestrictions are the decisions that always issue a statement,
// so they need a mapping: the restricting tiers and every sanction.
func accountRestrictions() []string {
	return append([]string{"restricted", "suspended", "blocked"}, SanctionKinds()...)
}

func validateDSA(ps *Problems, d *DSA) {
	if len(d.TerritorialScope) == 0 {
		ps.add("enforcement.dsa.territorial_scope", "is empty; list the EEA countries, by ISO code, where restrictions apply")
	}
	for i, c := range d.TerritorialScope {
		oneOf(ps, fmt.Sprintf("enforcement.dsa.territorial_scope[%d]", i), c, dsa.Territories(), "EEA country code")
	}
	for _, kind := range ContentKinds() {
		if _, ok := d.Content[kind]; !ok {
			ps.add("enforcement.dsa.content"+mapKey(kind), "is missing: the content types a statement about a %s reports", kind)
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(d.Content)) {
		c, path := d.Content[kind], "enforcement.dsa.content"+mapKey(kind)
		oneOf(ps, path, kind, ContentKinds(), "kind of content")
		if len(c.Types) == 0 {
			ps.add(path+".types", "is empty; give at least one content type such as CONTENT_TYPE_TEXT")
		}
		for i, t := range c.Types {
			oneOf(ps, fmt.Sprintf("%s.types[%d]", path, i), t, dsa.ContentTypes(), "content type")
		}
		if slices.Contains(c.Types, dsa.ContentTypeOther) && strings.TrimSpace(c.Other) == "" {
			ps.add(path+".other", "is empty; describe the content that CONTENT_TYPE_OTHER stands for")
		}
	}
	for _, k := range accountRestrictions() {
		if _, ok := d.Decisions[k]; !ok {
			ps.add("enforcement.dsa.decisions"+mapKey(k), "is missing: every %s issues a statement of reasons, so it needs its decision fields", k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(d.Decisions)) {
		x, path := d.Decisions[k], "enforcement.dsa.decisions"+mapKey(k)
		oneOf(ps, path, k, append(accountRestrictions(), ContentRestrictions()...), "restriction")
		if len(x.Visibility) == 0 && x.Monetary == "" && x.Provision == "" && x.Account == "" {
			ps.add(path, "sets no decision; give at least one of visibility, monetary, provision, account")
		}
		for i, v := range x.Visibility {
			oneOf(ps, fmt.Sprintf("%s.visibility[%d]", path, i), v, dsa.Visibility(), "visibility decision")
		}
		if slices.Contains(x.Visibility, dsa.VisibilityOther) && strings.TrimSpace(x.VisibilityOther) == "" {
			ps.add(path+".visibility_other", "is empty; explain the restriction DECISION_VISIBILITY_OTHER stands for")
		}
		optional := func(field, v string, allowed []string, what string) {
			if v != "" {
				oneOf(ps, path+"."+field, v, allowed, what)
			}
		}
		optional("monetary", x.Monetary, dsa.Monetary(), "monetary decision")
		optional("provision", x.Provision, dsa.Provision(), "provision decision")
		optional("account", x.Account, dsa.Account(), "account decision")
		if x.Monetary == dsa.MonetaryOther && strings.TrimSpace(x.MonetaryOther) == "" {
			ps.add(path+".monetary_other", "is empty; explain the restriction DECISION_MONETARY_OTHER stands for")
		}
	}
}

// validateGround checks a ground's Transparency Database fields.
func validateGround(ps *Problems, path string, g Ground) {
	if _, ok := dsa.Category(g.Category); !ok {
		oneOf(ps, path+".category", g.Category, dsa.Categories(), "EU Transparency Database category")
	}
	for i, k := range g.Specification {
		oneOf(ps, fmt.Sprintf("%s.specification[%d]", path, i), k, dsa.Keywords(), "EU Transparency Database keyword")
	}
}
