package enforce

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-ts/vigil/internal/dsa"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Statement is a statement of reasons (R-E6, R-C2, R-C3): issued for every
// restriction at the moment it is imposed, to the account holder through
// the marketplace (the statement.issued webhook), and kept for export.
type Statement struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	ActionID  string    `json:"action_id"`
	IssuedAt  time.Time `json:"issued_at"`
	// EffectiveAt is when the restriction takes effect: at once, or after
	// a business user's notice period (P2B).
	EffectiveAt time.Time `json:"effective_at"`
	// Restriction is what is restricted, in words and as tier or sanction.
	Restriction StatementRestriction `json:"restriction"`
	// Facts are the facts and circumstances the decision rests on.
	Facts string `json:"facts_and_circumstances"`
	// Source says what brought the decision about.
	Source             string `json:"source"`
	AutomatedDetection bool   `json:"automated_detection" doc:"Whether automated means detected the problem."`
	AutomatedDecision  bool   `json:"automated_decision" doc:"Whether automated means took the decision (only warnings, the automatic sanctions and the DMCA rules are)."`
	// Ground is the policy clause or legal ground.
	Ground StatementGround `json:"ground"`
	// Redress are the ways to contest the decision.
	Redress Redress `json:"redress"`
	// Business marks a business user, for whom the P2B rules apply.
	Business bool `json:"business_user"`
	// NoticeException is the P2B exception that allowed terminating a
	// business user without notice.
	NoticeException string `json:"notice_exception,omitempty"`
	// Content is the item of content a content restriction is about; nil
	// for an account restriction.
	Content *StatementContent `json:"content,omitempty"`
	// DSA is the record in the EU Transparency Database's field names and
	// values, free of personal data.
	DSA map[string]any `json:"dsa"`
}

// StatementContent is the item of content a statement is about.
type StatementContent struct {
	Type string `json:"type" enum:"listing,message,review"`
	ID   string `json:"id"`
}

// StatementRestriction is what a statement restricts.
type StatementRestriction struct {
	Tier        string    `json:"tier,omitempty"`
	Sanction    string    `json:"sanction,omitempty"`
	Description string    `json:"description"`
	Scope       []string  `json:"scope" doc:"What the account can no longer do."`
	Start       time.Time `json:"start"`
	// End is zero for a restriction without end (a tier stays until a
	// person or an appeal lowers it; a ban is permanent).
	End time.Time `json:"end,omitzero"`
}

// StatementGround is the ground a statement cites.
type StatementGround struct {
	ID          string `json:"id"`
	Clause      string `json:"clause"`
	Type        string `json:"type" enum:"incompatible_content,illegal_content"`
	LegalGround string `json:"legal_ground,omitempty"`
}

// Redress is how to contest a decision.
type Redress struct {
	// Appeal is the internal complaint: the plan-of-action appeal.
	Appeal AppealPath `json:"appeal"`
	// OutOfCourt and Judicial name the other routes (DSA art. 21; courts).
	OutOfCourt string `json:"out_of_court"`
	Judicial   string `json:"judicial"`
}

// AppealPath is the appeal a statement offers.
type AppealPath struct {
	Available bool   `json:"available"`
	How       string `json:"how"`
	// Deadline is the last moment to appeal: 7 days after a block, the
	// complaint window after other decisions.
	Deadline time.Time `json:"deadline"`
	// DecidedWithin is the SLA of the appeal's review, from filing.
	DecidedWithin string `json:"decided_within,omitempty"`
	// Against is what an appeal names for a content restriction: the
	// check's decision or the case (POST /v1/appeals decision).
	Against *AppealRef `json:"against,omitempty"`
}

// AppealRef names the decision a complaint is against.
type AppealRef struct {
	Type string `json:"type" enum:"case,decision"`
	ID   string `json:"id"`
}

// restricts reports whether a tier or sanction restricts the account,
// which needs a statement of reasons: restricted and above, and every
// sanction. Warning limits nothing; flagged only screens more strictly.
func restricts(tier, sanction string) bool {
	return sanction != "" || Rank(tier) >= Rank(Restricted)
}

// scope describes what a tier or sanction takes away.
func scope(tier, sanction string) (description string, lost []string) {
	switch {
	case tier == Restricted:
		return "Account restricted", []string{"creating listings", "making offers", "live selling"}
	case tier == Suspended:
		return "Account suspended", []string{"all marketplace actions", "deals in flight (frozen)"}
	case tier == Blocked:
		return "Account blocked", []string{"access to the account", "all marketplace actions", "deals in flight (frozen)"}
	case sanction == EarlyPayoutLoss:
		return "Loss of early payout", []string{"payout when the label is printed (payout follows delivery)"}
	case sanction == RaisedCommission:
		return "Raised commission", []string{"the standard commission rate"}
	case sanction == LiveSellingLoss:
		return "Loss of live-selling access", []string{"live selling"}
	case sanction == TemporarySuspension:
		return "Temporary suspension", []string{"all marketplace actions", "deals in flight (frozen)"}
	case sanction == PermanentBan:
		return "Permanent ban", []string{"access to the account", "all marketplace actions"}
	}
	return "Restriction", nil
}

// automatedDetection reports whether a source is automated means.
func automatedDetection(source string) bool {
	switch source {
	case SourceDetector, SourceRule, SourceRisk, SourceDMCA, SourceLogistics:
		return true
	}
	return false
}

// statement composes the statement of reasons of an action at the moment
// it is imposed. tier is set for a tier move, row for a sanction.
func (s *Service) statement(c *step, by Decider, a store.EnforcementAction, d Decision, tier string, row *store.SanctionRow) Statement {
	sanction, start, end := "", c.now, time.Time{}
	if row != nil {
		sanction, start, end = row.Kind, row.ImposedAt, row.ExpiresAt
	}
	if !a.EffectiveAt.IsZero() {
		start = a.EffectiveAt
	}
	desc, lost := scope(tier, sanction)
	e := c.pol.Enforcement
	g := e.Grounds[d.Ground]
	ground := StatementGround{ID: d.Ground, Clause: g.Clause, Type: "incompatible_content"}
	if g.Illegal {
		ground.Type, ground.LegalGround = "illegal_content", g.LegalGround
	}
	appeal := AppealPath{Available: true, How: "Reply with a plan of action: the root cause, the corrective action taken and the preventive measures.",
		Deadline: c.now.AddDate(0, c.pol.Appeals.ComplaintWindowMonths, 0)}
	appealTier := tier
	if sanction == TemporarySuspension {
		appealTier = Suspended
	} else if sanction == PermanentBan {
		appealTier = Blocked
	}
	if appealTier == Blocked {
		appeal.Deadline = start.Add(c.pol.Appeals.BlockedWindow.Std())
	}
	if sla, ok := c.pol.Appeals.SLA[appealTier]; ok {
		appeal.DecidedWithin = sla.String()
	}
	facts := d.Reason
	if automatedDetection(d.Source) {
		facts += " " + detectedBy(d.Source)
	}
	st := Statement{ID: s.NewID(), AccountID: c.st.AccountID, ActionID: a.ID, IssuedAt: c.now, EffectiveAt: start,
		Restriction: StatementRestriction{Tier: tier, Sanction: sanction, Description: desc, Scope: lost, Start: start, End: end},
		Facts:       strings.TrimSpace(facts), Source: d.Source, AutomatedDetection: automatedDetection(d.Source), AutomatedDecision: !by.Human,
		Ground: ground, Business: c.business, NoticeException: d.Exception,
		Redress: redress(appeal)}
	st.DSA = dsaRecord(st, g, d.Notifier, e.DSA, tier+sanction, "account")
	return st
}

// redress are the ways to contest a decision: the internal appeal, then
// out of court and the courts (DSA art. 20, 21).
func redress(appeal AppealPath) Redress {
	return Redress{Appeal: appeal,
		OutOfCourt: "You may refer the decision to a certified out-of-court dispute settlement body.",
		Judicial:   "You may challenge the decision before the competent court."}
}

// detectedBy explains in words which automated means found the problem.
func detectedBy(source string) string {
	switch source {
	case SourceDMCA:
		return "The account reached the policy's count of accepted DMCA takedowns within its window, which restricts it automatically."
	case SourceLogistics:
		return "Our fulfilment monitoring found the seller over the policy's threshold over the last weeks."
	case SourceRisk:
		return "Our risk signals raised the account for review."
	}
	return "Our automated checks detected it."
}

// dsaRecord is the statement in the EU DSA Transparency Database's field
// names and values, with no personal data: the restriction's decision
// fields, content types and territory come from the policy's DSA mapping
// (key: the tier, the sanction or the content restriction), the category
// from the ground.
func dsaRecord(st Statement, g policy.Ground, notifier string, m policy.DSA, key, content string) map[string]any {
	date := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	category, _ := dsa.Category(g.Category)
	ct := m.Content[content]
	r := map[string]any{
		"puid":                st.ID,
		"decision_facts":      clip(st.Facts, dsa.MaxFacts),
		"category":            category,
		"content_type":        slices.Clone(ct.Types),
		"territorial_scope":   slices.Clone(m.TerritorialScope),
		"automated_detection": map[bool]string{true: "Yes", false: "No"}[st.AutomatedDetection],
		"automated_decision":  map[bool]string{true: "AUTOMATED_DECISION_FULLY", false: "AUTOMATED_DECISION_NOT_AUTOMATED"}[st.AutomatedDecision],
		"application_date":    date(st.EffectiveAt),
		"content_date":        date(st.IssuedAt),
		"account_type":        map[bool]string{true: "ACCOUNT_TYPE_BUSINESS", false: "ACCOUNT_TYPE_PRIVATE"}[st.Business],
	}
	if len(g.Specification) > 0 {
		r["category_specification"] = slices.Clone(g.Specification)
	}
	if slices.Contains(ct.Types, dsa.ContentTypeOther) {
		r["content_type_other"] = clip(ct.Other, dsa.MaxText)
	}
	switch {
	case st.Source == SourceReport && notifier == "trusted_flagger":
		r["source_type"] = "SOURCE_TRUSTED_FLAGGER"
	case st.Source == SourceReport && notifier != "internal":
		r["source_type"] = "SOURCE_ARTICLE_16"
	default:
		r["source_type"] = "SOURCE_VOLUNTARY"
	}
	if st.Ground.Type == "illegal_content" {
		r["decision_ground"] = "DECISION_GROUND_ILLEGAL_CONTENT"
		r["illegal_content_legal_ground"], r["illegal_content_explanation"] = clip(st.Ground.LegalGround, dsa.MaxText), clip(st.Facts, dsa.MaxExplanation)
	} else {
		r["decision_ground"] = "DECISION_GROUND_INCOMPATIBLE_CONTENT"
		r["incompatible_content_ground"], r["incompatible_content_explanation"] = clip(st.Ground.Clause, dsa.MaxText), clip(st.Facts, dsa.MaxExplanation)
	}
	d := m.Decisions[key]
	end := func(field string) {
		if !st.Restriction.End.IsZero() {
			r[field] = date(st.Restriction.End)
		}
	}
	set := func(field, value, endField string) {
		if value != "" {
			r[field] = value
			end(endField)
		}
	}
	if len(d.Visibility) > 0 {
		r["decision_visibility"] = slices.Clone(d.Visibility)
		if d.VisibilityOther != "" {
			r["decision_visibility_other"] = clip(d.VisibilityOther, dsa.MaxText)
		}
		end("end_date_visibility_restriction")
	}
	set("decision_monetary", d.Monetary, "end_date_monetary_restriction")
	if d.Monetary == dsa.MonetaryOther {
		r["decision_monetary_other"] = clip(cmp.Or(d.MonetaryOther, st.Restriction.Description), dsa.MaxText)
	}
	set("decision_provision", d.Provision, "end_date_service_restriction")
	set("decision_account", d.Account, "end_date_account_restriction")
	return r
}

// issue stores a statement and sends it to the marketplace for the
// account holder.
func (s *Service) issue(ctx context.Context, tx *store.Tx, marketplaceID string, st Statement) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := tx.InsertStatement(ctx, store.Statement{MarketplaceID: marketplaceID, ID: st.ID, AccountID: st.AccountID,
		ActionID: st.ActionID, CreatedAt: st.IssuedAt, EffectiveAt: st.EffectiveAt, Content: b}); err != nil {
		return fmt.Errorf("store statement: %w", err)
	}
	return s.notify(ctx, tx, marketplaceID, EventStatement, st)
}

// Statements returns an account's statements of reasons, newest first.
func (s *Service) Statements(ctx context.Context, marketplaceID, accountID string, limit int) ([]Statement, error) {
	rows, err := s.DB.Statements(ctx, marketplaceID, accountID, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Statement, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Content, &out[i]); err != nil {
			return nil, fmt.Errorf("statement %s: %w", r.ID, err)
		}
	}
	return out, nil
}

// clip returns s cut to at most n characters, ending in "…" when cut: a
// statement's own texts may be longer than the Transparency Database's
// fields allow.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
