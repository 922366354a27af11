// Package cases owns reports, cases and the moderation queue (SPEC §5):
// reports cluster into one case per target, proactive cases opened by
// checks and the risk score join the same workflow, priorities are computed
// and explained, spikes raise alerts, claims time out, SLAs are watched,
// reporters hear back, and reporters who misuse reporting are warned and
// then suspended. Every change is one transaction with its history, audit
// entry and webhooks.
package cases

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// Errors of this package; check them with errors.Is.
var (
	// ErrInvalid is a request that cannot be taken as it is.
	ErrInvalid = errors.New("invalid")
	// ErrForbidden is an action the moderator's role or the case's state
	// does not allow.
	ErrForbidden = errors.New("not allowed")
	// ErrRefused is a report from a reporter suspended from reporting.
	ErrRefused = errors.New("reporting suspended")
	// ErrKeyReused is an idempotency key sent again with a different
	// report: a conflict, never a duplicate.
	ErrKeyReused = errors.New("idempotency key reused")
)

// RateLimited is a report refused because its reporter filed the policy's
// reports.reporter_rate within the window; Until is when the next one is
// accepted.
type RateLimited struct{ Until time.Time }

func (e RateLimited) Error() string {
	return "this reporter filed too many reports within the policy's window; retry after " + e.Until.UTC().Format(time.RFC3339)
}

// Webhook event types this package sends.
const (
	EventReportReceived = "report.received"
	EventReportClosed   = "report.closed"
	EventCaseClosed     = "case.closed"
	EventSpike          = "case.spike"
	EventSLAAtRisk      = "case.sla_at_risk"
	EventSLABreached    = "case.sla_breached"
	EventAction         = "moderation.action"
	EventReporterWarned = "reporter.warned"
	EventReporterSusp   = "reporter.suspended"
)

// Target types a report may name (R-R1).
func TargetTypes() []string { return []string{"listing", "message", "review", "account"} }

// Scanner runs the text detectors over reported content (the checks
// service).
type Scanner interface {
	ScanText(marketplaceID string, eff check.Effective, category string, fields ...string) ([]detect.Finding, error)
}

// Service is the cases capability.
type Service struct {
	svc.Deps
	Policies *check.Policies
	Outbox   check.Notifier
	// Scanner finds phishing links and other evidence in reported content;
	// nil skips the scan.
	Scanner Scanner
	// Listings moves the listings case actions approve, pause, reject or
	// send back for changes, with their history.
	Listings *listing.Service
	// Enforcer carries warnings and tier recommendations to the account's
	// standing, in the action's transaction; nil only records them.
	Enforcer Enforcer
}

// Enforcer is the enforcement capability as cases use it: a moderator's
// warning moves the account to warning, a recommended tier waits for a
// person allowed to apply it (R-P2), a content restriction gets its
// statement of reasons (R-C2).
type Enforcer interface {
	Warn(ctx context.Context, tx *store.Tx, marketplaceID string, by enforce.Decider, accountID string, d enforce.Decision) error
	Recommend(ctx context.Context, tx *store.Tx, marketplaceID string, r enforce.RecommendRequest) (enforce.Recommendation, error)
	check.Restrictions
}

// New returns a Service.
func New(d svc.Deps, p *check.Policies, outbox check.Notifier) *Service {
	return &Service{Deps: d, Policies: p, Outbox: outbox, Listings: listing.New(d, p, outbox)}
}

// policyFor is the policy in force for a category.
func (s *Service) policyFor(ctx context.Context, marketplaceID, category string) (*policy.Policy, error) {
	_, pol, err := s.effective(ctx, marketplaceID, category)
	return pol, err
}

// effective is the marketplace's policy in force and its resolution for a
// category.
func (s *Service) effective(ctx context.Context, marketplaceID, category string) (check.Effective, *policy.Policy, error) {
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return eff, nil, err
	}
	return eff, eff.Compiled.Policy(category), nil
}

// notify queues a webhook when an outbox is configured.
func (s *Service) notify(ctx context.Context, tx *store.Tx, marketplaceID, typ string, data any) error {
	return check.Send(ctx, s.Outbox, tx, marketplaceID, typ, data)
}

// history appends a step to a case's history.
func (s *Service) history(ctx context.Context, tx *store.Tx, c store.Case, actor audit.Actor, kind string, detail any, at time.Time) error {
	e, err := s.caseEvent(c, actor, kind, detail, at)
	if err != nil {
		return err
	}
	return tx.AddCaseEvent(ctx, e)
}

// caseEvent is a step of a case's history as history stores it.
func (s *Service) caseEvent(c store.Case, actor audit.Actor, kind string, detail any, at time.Time) (store.CaseEvent, error) {
	b, err := json.Marshal(detail)
	if err != nil {
		return store.CaseEvent{}, err
	}
	return store.CaseEvent{ID: s.NewID(), MarketplaceID: c.MarketplaceID, CaseID: c.ID, At: at,
		ActorType: actor.Type, ActorID: actor.ID, Kind: kind, Detail: b}, nil
}

// referenceAlphabet is Crockford's base 32: no I, L, O or U, so a
// reference read out over the phone cannot be misheard as another.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a report reference such as VR-7K2M-Q9XD: 40 random
// bits, unguessable, short enough to read out.
func NewReference() string {
	var b [8]byte
	rand.Read(b[:])
	out := []byte("VR-")
	for i, c := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, referenceAlphabet[int(c)%32])
	}
	return string(out)
}

// target is what the service knows about a reported or held target.
type target struct {
	accountID string
	category  string
	value     int64
	currency  string
	// fields are the target's texts as field name and text pairs.
	fields []string
	known  bool
}

// loadTarget reads the stored entity behind a target, if Vigil has it.
func loadTarget(ctx context.Context, q interface {
	Entity(ctx context.Context, marketplaceID, typ, id string) (store.Entity, error)
}, marketplaceID, typ, id string) (target, error) {
	t := target{value: -1}
	if typ == "account" {
		t.accountID = id
	}
	e, err := q.Entity(ctx, marketplaceID, typ, id)
	if errors.Is(err, store.ErrNotFound) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	t.known, t.accountID = true, e.AccountID
	var d struct {
		Title, Description, Text, Category string
		Price                              *struct {
			Amount   int64  `json:"amount"`
			Currency string `json:"currency"`
		} `json:"price"`
		DisplayName string `json:"display_name"`
	}
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return t, nil // the data was validated on the way in; an old shape only loses the extras
	}
	t.category = d.Category
	if d.Price != nil {
		t.value, t.currency = d.Price.Amount, d.Price.Currency
	}
	for _, f := range [][2]string{{"title", d.Title}, {"description", d.Description}, {"text", d.Text}, {"display_name", d.DisplayName}} {
		if f[1] != "" {
			t.fields = append(t.fields, f[0], f[1])
		}
	}
	return t, nil
}

// slaOf is how long a case of group has, from the policy.
func slaOf(pol *policy.Policy, group string) time.Duration {
	if g, ok := pol.Reports.Groups[group]; ok && g.SLA > 0 {
		return g.SLA.Std()
	}
	return pol.Reports.SLA.Std()
}

// setDue moves a case's due time earlier to at+sla when that is sooner
// (a more urgent report or hold arrived), and its at-risk time with it.
func setDue(c *store.Case, pol *policy.Policy, at time.Time, sla time.Duration) {
	due := at.Add(sla)
	if !c.DueAt.IsZero() && !due.Before(c.DueAt) {
		return
	}
	c.DueAt = due
	c.RiskFrom = due.Add(-time.Duration(float64(sla) * pol.Reports.AtRisk))
	c.AtRiskAt = time.Time{}
}

// reprioritise recomputes a case's priority from its reports, its
// account's risk and its target's value, inside tx.
func (s *Service) reprioritise(ctx context.Context, tx *store.Tx, c *store.Case, pol *policy.Policy, t target) error {
	reps, err := tx.CaseReporters(ctx, c.MarketplaceID, c.ID)
	if err != nil {
		return err
	}
	risk, err := riskOf(ctx, tx, c)
	if err != nil {
		return err
	}
	return prioritise(c, pol, reps, risk, t, s.Now())
}

// riskOf is the risk score of a case's account, -1 when it has none.
func riskOf(ctx context.Context, q interface {
	RiskScore(ctx context.Context, marketplaceID, accountID string) (store.RiskScore, error)
}, c *store.Case) (int, error) {
	if c.AccountID == "" {
		return -1, nil
	}
	r, err := q.RiskScore(ctx, c.MarketplaceID, c.AccountID)
	switch {
	case err == nil:
		return r.Score, nil
	case errors.Is(err, store.ErrNotFound):
		return -1, nil
	}
	return -1, err
}

// prioritise sets a case's priority, its explanation and its report count
// from its distinct reporters (as CaseReporters lists them), its account's
// risk score (-1 when unknown) and its target's value, judged at now.
func prioritise(c *store.Case, pol *policy.Policy, reps []store.CaseReporter, risk int, t target, now time.Time) error {
	in := PriorityInput{Group: c.ReasonGroup, Severity: pol.Reports.Groups[c.ReasonGroup].Severity, Risk: risk, Value: -1, Spiking: !c.SpikeAt.IsZero()}
	if in.Severity == "" {
		in.Severity = policy.SeverityLow
	}
	for _, r := range reps {
		in.Reporters = append(in.Reporters, Reporter{ID: r.ReporterID, Type: r.Type, Upheld: r.Upheld, Dismissed: r.Dismissed,
			Suspended: r.SuspendedUntil.After(now)})
	}
	if t.value >= 0 && t.currency == pol.Currency {
		in.Value = t.value
	}
	p := ComputePriority(pol.Reports.Priority, in)
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	c.Priority, c.PriorityDetail, c.ReportCount = p.Score, b, len(reps)
	return nil
}

// Hold opens or joins the proactive case of what an automated decision
// holds (R-R8), inside the decision's transaction. It implements
// check.Holder.
func (s *Service) Hold(ctx context.Context, tx *store.Tx, h check.Hold) error {
	t, err := loadTarget(ctx, tx, h.MarketplaceID, h.TargetType, h.TargetID)
	if err != nil {
		return err
	}
	if t.accountID == "" {
		t.accountID = h.AccountID
	}
	pol, err := s.policyFor(ctx, h.MarketplaceID, t.category)
	if err != nil {
		return err
	}
	group := holdGroup(pol, h.Codes)
	c, created, err := s.openCase(ctx, tx, h.MarketplaceID, h.TargetType, h.TargetID, t.accountID, h.Source, group, pol, h.At)
	if err != nil {
		return err
	}
	c.DecisionID = h.DecisionID
	setDue(&c, pol, h.At, slaOf(pol, group))
	if err := s.reprioritise(ctx, tx, &c, pol, t); err != nil {
		return err
	}
	if err := s.save(ctx, tx, c, created); err != nil {
		return err
	}
	reason := h.Reason
	if reason == "" {
		reason = "Held for review by the policy."
	}
	actor := audit.Actor{Type: audit.ActorSystem, ID: h.Source}
	if err := s.history(ctx, tx, c, actor, "held", map[string]any{"decision_id": h.DecisionID, "source": h.Source, "codes": h.Codes,
		"reason": reason, "severity": h.Severity}, h.At); err != nil {
		return err
	}
	return tx.Audit(ctx, h.MarketplaceID, actor, "case.held", "case", c.ID, map[string]any{"decision_id": h.DecisionID,
		"target_type": h.TargetType, "target_id": h.TargetID, "opened": created}, h.At)
}

// openCase returns the target's open case, locked for tx so that what is
// computed from its reports counts every one filed before, or a new one
// (not yet stored: save inserts it) with the given source and group. A
// more severe group replaces the open case's group.
func (s *Service) openCase(ctx context.Context, tx *store.Tx, marketplaceID, targetType, targetID, accountID, source, group string,
	pol *policy.Policy, at time.Time) (store.Case, bool, error) {
	c, err := tx.LockOpenCaseFor(ctx, s.DB.Dialect, marketplaceID, targetType, targetID)
	if err == nil {
		if moreSevere(pol, group, c.ReasonGroup) {
			c.ReasonGroup = group
		}
		if c.AccountID == "" {
			c.AccountID = accountID
		}
		c.UpdatedAt = at
		return c, false, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return c, false, err
	}
	return store.Case{ID: s.NewID(), MarketplaceID: marketplaceID, TargetType: targetType, TargetID: targetID, AccountID: accountID,
		Status: "pending", Source: source, ReasonGroup: group, CreatedAt: at, UpdatedAt: at}, true, nil
}

// save inserts a new case or updates an open one.
func (s *Service) save(ctx context.Context, tx *store.Tx, c store.Case, created bool) error {
	if created {
		return tx.CreateCase(ctx, &c)
	}
	return tx.UpdateCase(ctx, c)
}

// retry runs fn again when it lost a race on a unique key (a reference
// number drawn twice, or two first reports on one target at once on
// PostgreSQL); the transaction it ran in was rolled back whole.
func retry(fn func() error) error {
	var err error
	for range 5 {
		if err = fn(); !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return err
}

// invalid returns an ErrInvalid error with a message.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}
