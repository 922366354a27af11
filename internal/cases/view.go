package cases

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/store"
	"golang.org/x/sync/errgroup"
)

// SLA states of an open case.
const (
	SLAOnTrack  = "on_track"
	SLAAtRisk   = "at_risk"
	SLABreached = "breached"
	SLAMet      = "met"
	SLAMissed   = "missed"
)

// slaState is a case's SLA state at now: for open cases on_track, at_risk
// or breached; for closed ones met or missed.
func slaState(c store.Case, now time.Time) string {
	if !c.Open() {
		if c.ResolvedAt.After(c.DueAt) {
			return SLAMissed
		}
		return SLAMet
	}
	switch {
	case !c.BreachedAt.IsZero() || !c.DueAt.After(now):
		return SLABreached
	case !c.RiskFrom.After(now):
		return SLAAtRisk
	}
	return SLAOnTrack
}

// Item is a case as the queue lists it.
type Item struct {
	ID          string    `json:"id"`
	Status      string    `json:"status" enum:"pending,reviewing,resolved,dismissed"`
	Priority    float64   `json:"priority" doc:"Higher first; the parts are in the case's priority explanation."`
	ReasonGroup string    `json:"reason_group"`
	Source      string    `json:"source" enum:"report,detector,rule,risk" doc:"What opened the case."`
	Target      Target    `json:"target"`
	AccountID   string    `json:"account_id,omitempty"`
	ReportCount int       `json:"report_count" doc:"Distinct reporters."`
	References  []string  `json:"references" doc:"Reference numbers of the case's reports (the first 20)."`
	Assignee    string    `json:"assignee,omitempty"`
	ClaimUntil  time.Time `json:"claim_expires_at,omitzero"`
	Escalated   bool      `json:"escalated,omitempty"`
	Spike       bool      `json:"spike,omitempty"`
	DueAt       time.Time `json:"due_at"`
	SLA         string    `json:"sla" enum:"on_track,at_risk,breached,met,missed"`
	Outcome     string    `json:"outcome,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ResolvedAt  time.Time `json:"resolved_at,omitzero"`
}

func itemOf(c store.Case, refs []string, now time.Time) Item {
	it := Item{ID: c.ID, Status: c.Status, Priority: c.Priority, ReasonGroup: c.ReasonGroup, Source: c.Source,
		Target: Target{Type: c.TargetType, ID: c.TargetID}, AccountID: c.AccountID, ReportCount: c.ReportCount, References: refs,
		Escalated: c.Escalated, Spike: !c.SpikeAt.IsZero(), DueAt: c.DueAt, SLA: slaState(c, now), Outcome: c.Outcome,
		CreatedAt: c.CreatedAt, ResolvedAt: c.ResolvedAt}
	if h := holder(c, now); h != "" {
		it.Assignee, it.ClaimUntil = h, c.ClaimExpiresAt
	} else if !c.Open() {
		it.Assignee = c.AssigneeID
	}
	if it.References == nil {
		it.References = []string{}
	}
	return it
}

// ListQuery filters and orders the queue.
type ListQuery struct {
	Status      string
	ReasonGroup string
	TargetType  string
	// Source is report, detector, rule, risk, or proactive for the three
	// automated ones.
	Source      string
	Assignee    string
	SLA         string
	AccountID   string
	MinPriority float64
	Sort        string
	Cursor      string
	Limit       int
}

// Page is one page of the queue.
type Page struct {
	Items      []Item `json:"items"`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor for the next page; absent on the last page."`
}

// List returns a page of the queue: open cases highest priority first
// unless asked otherwise, with keyset cursors so every page costs the same.
func (s *Service) List(ctx context.Context, marketplaceID string, q ListQuery) (Page, error) {
	now := s.Now()
	sq, err := storeQuery(marketplaceID, q, now)
	if err != nil {
		return Page{}, err
	}
	cs, err := s.DB.Cases(ctx, sq)
	if err != nil {
		return Page{}, err
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	refs, err := s.DB.ReportReferences(ctx, ids, 20)
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: make([]Item, len(cs))}
	for i, c := range cs {
		p.Items[i] = itemOf(c, refs[c.ID], now)
	}
	if len(cs) == sq.Limit {
		last := cs[len(cs)-1]
		p.NextCursor = makeCursor(last.Priority, last.CreatedAt, last.ID)
	}
	return p, nil
}

// Neighbours returns the cases before and after case id in the queue q
// selects, in the same order as List: prev and next, "" at either end.
// The case need not be in that queue itself, such as one just closed:
// its neighbours are then those either side of where its priority and
// age would put it. q's cursor and limit are ignored.
func (s *Service) Neighbours(ctx context.Context, marketplaceID string, q ListQuery, id string) (prev, next string, err error) {
	c, err := s.DB.Case(ctx, marketplaceID, id)
	if err != nil {
		return "", "", err
	}
	q.Cursor = ""
	sq, err := storeQuery(marketplaceID, q, s.Now())
	if err != nil {
		return "", "", err
	}
	sq.AfterPriority, sq.AfterCreated, sq.AfterID, sq.Limit = c.Priority, c.CreatedAt, c.ID, 1
	for _, to := range []*string{&next, &prev} {
		cs, err := s.DB.Cases(ctx, sq)
		if err != nil {
			return "", "", err
		}
		if len(cs) > 0 {
			*to = cs[0].ID
		}
		sq.Backward = true
	}
	return prev, next, nil
}

// storeQuery checks a ListQuery and turns it into the store's query at
// now.
func storeQuery(marketplaceID string, q ListQuery, now time.Time) (store.CaseQuery, error) {
	sq := store.CaseQuery{MarketplaceID: marketplaceID, ReasonGroup: q.ReasonGroup, TargetType: q.TargetType, Assignee: q.Assignee,
		SLA: q.SLA, Now: now, MinPriority: q.MinPriority, AccountID: q.AccountID, Sort: q.Sort, Limit: q.Limit}
	switch q.Source {
	case "":
	case "proactive":
		sq.Sources = []string{"detector", "rule", "risk"}
	case "report", "detector", "rule", "risk":
		sq.Sources = []string{q.Source}
	default:
		return store.CaseQuery{}, invalid("source %q is not one of report, detector, rule, risk, proactive", q.Source)
	}
	switch q.Status {
	case "", "open":
	case "all":
		sq.Statuses = []string{"pending", "reviewing", "resolved", "dismissed"}
	case "closed":
		sq.Statuses = []string{"resolved", "dismissed"}
	case "pending", "reviewing", "resolved", "dismissed":
		sq.Statuses = []string{q.Status}
	default:
		return store.CaseQuery{}, invalid("status %q is not one of open, closed, all, pending, reviewing, resolved, dismissed", q.Status)
	}
	switch q.SLA {
	case "", SLAOnTrack, SLAAtRisk, SLABreached:
	default:
		return store.CaseQuery{}, invalid("sla %q is not one of on_track, at_risk, breached", q.SLA)
	}
	switch q.Sort {
	case "", "priority", "age":
	default:
		return store.CaseQuery{}, invalid("sort %q is not one of priority, age", q.Sort)
	}
	if sq.Limit <= 0 || sq.Limit > 200 {
		sq.Limit = 50
	}
	if q.Cursor != "" {
		var err error
		if sq.AfterPriority, sq.AfterCreated, sq.AfterID, err = parseCursor(q.Cursor); err != nil {
			return store.CaseQuery{}, err
		}
	}
	return sq, nil
}

// makeCursor encodes the sort key of the last case of a page.
func makeCursor(priority float64, created time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(priority, 'g', -1, 64) + "|" +
		strconv.FormatInt(created.UnixMicro(), 10) + "|" + id))
}

func parseCursor(s string) (float64, time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.SplitN(string(b), "|", 3)
	if err != nil || len(parts) != 3 {
		return 0, time.Time{}, "", invalid("cursor is not one this API returned")
	}
	p, err1 := strconv.ParseFloat(parts[0], 64)
	us, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, time.Time{}, "", invalid("cursor is not one this API returned")
	}
	return p, time.UnixMicro(us).UTC(), parts[2], nil
}

// ReportView is a report as moderators see it (private API and console).
type ReportView struct {
	Reference    string    `json:"reference"`
	Reason       string    `json:"reason"`
	ReasonGroup  string    `json:"reason_group"`
	Details      string    `json:"details,omitempty"`
	ReporterID   string    `json:"reporter_id"`
	ReporterType string    `json:"reporter_type"`
	Weight       float64   `json:"weight"`
	Status       string    `json:"status"`
	Outcome      string    `json:"outcome,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
}

// TrackRecord is a reporter's history as the case page shows it.
type TrackRecord struct {
	ReporterID     string    `json:"reporter_id"`
	Type           string    `json:"type"`
	Upheld         int       `json:"upheld"`
	Dismissed      int       `json:"dismissed"`
	Unfounded      int       `json:"unfounded"`
	Accuracy       float64   `json:"accuracy" doc:"Smoothed share of upheld reports, 0–1; 0.5 for a new reporter."`
	WarnedAt       time.Time `json:"warned_at,omitzero"`
	SuspendedUntil time.Time `json:"suspended_until,omitzero"`
}

// Step is one entry of a case's history.
type Step struct {
	At        time.Time       `json:"at"`
	ActorType string          `json:"actor_type"`
	ActorID   string          `json:"actor_id"`
	Kind      string          `json:"kind"`
	Detail    json.RawMessage `json:"detail"`
}

// View is one case with everything a moderator needs to decide it.
type View struct {
	Item
	Priority   Priority      `json:"priority_explanation"`
	DecisionID string        `json:"decision_id,omitempty" doc:"The automated decision that held the target (proactive cases)."`
	Resolution string        `json:"resolution,omitempty"`
	ResolvedBy string        `json:"resolved_by,omitempty"`
	Reports    []ReportView  `json:"reports"`
	Reporters  []TrackRecord `json:"reporters"`
	History    []Step        `json:"history"`
}

// Get returns a case with its reports, reporters' track records, priority
// explanation and history.
func (s *Service) Get(ctx context.Context, marketplaceID, id string) (View, error) {
	c, err := s.DB.Case(ctx, marketplaceID, id)
	if err != nil {
		return View{}, err
	}
	now := s.Now()
	reps, err := s.DB.CaseReports(ctx, c.ID, 1000)
	if err != nil {
		return View{}, err
	}
	refs := make([]string, 0, min(len(reps), 20))
	v := View{DecisionID: c.DecisionID, Resolution: c.Resolution, ResolvedBy: c.ResolvedBy, Reports: []ReportView{}, Reporters: []TrackRecord{}}
	seen := map[string]bool{}
	for _, r := range reps {
		if len(refs) < 20 {
			refs = append(refs, r.Reference)
		}
		v.Reports = append(v.Reports, ReportView{Reference: r.Reference, Reason: r.Reason, ReasonGroup: r.ReasonGroup, Details: r.Details,
			ReporterID: r.ReporterID, ReporterType: r.ReporterType, Weight: r.Weight, Status: r.Status, Outcome: r.Outcome, CreatedAt: r.CreatedAt})
		if seen[r.ReporterID] {
			continue
		}
		seen[r.ReporterID] = true
		rec, err := s.DB.Reporter(ctx, marketplaceID, r.ReporterID)
		if err != nil {
			return View{}, err
		}
		v.Reporters = append(v.Reporters, TrackRecord{ReporterID: r.ReporterID, Type: r.ReporterType, Upheld: rec.Upheld, Dismissed: rec.Dismissed,
			Unfounded: rec.Unfounded, Accuracy: Reporter{Upheld: rec.Upheld, Dismissed: rec.Dismissed}.Accuracy(), WarnedAt: rec.WarnedAt,
			SuspendedUntil: rec.SuspendedUntil})
	}
	v.Item = itemOf(c, refs, now)
	if len(c.PriorityDetail) > 0 {
		if err := json.Unmarshal(c.PriorityDetail, &v.Priority); err != nil {
			return View{}, fmt.Errorf("case %s priority: %w", c.ID, err)
		}
	}
	evs, err := s.DB.CaseEvents(ctx, c.ID)
	if err != nil {
		return View{}, err
	}
	v.History = make([]Step, len(evs))
	for i, e := range evs {
		v.History[i] = Step{At: e.At, ActorType: e.ActorType, ActorID: e.ActorID, Kind: e.Kind, Detail: e.Detail}
	}
	return v, nil
}

// Alerts lists a marketplace's unacknowledged alerts of the last day, for
// the console's banner.
func (s *Service) Alerts(ctx context.Context, marketplaceID string) ([]store.Alert, error) {
	return s.DB.OpenAlerts(ctx, marketplaceID, s.Now().Add(-24*time.Hour), 20)
}

// Acknowledge marks an alert seen.
func (s *Service) Acknowledge(ctx context.Context, marketplaceID string, m Moderator, alertID string) error {
	if !m.works() {
		return fmt.Errorf("%w: role %s does not work the moderation queue", ErrForbidden, m.User.Role)
	}
	now := s.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.AcknowledgeAlert(ctx, marketplaceID, alertID, m.User.ID, now); err != nil {
			return err
		}
		return tx.Audit(ctx, marketplaceID, m.actor(), "alert.acknowledged", "alert", alertID, map[string]any{"via": m.Via}, now)
	})
}

// Dashboard is the queue's figures now and per hour or day, for the
// console's charts.
type Dashboard struct {
	Now   store.QueueStats
	Spans []store.CaseBucket
}

// Dashboard returns the queue now and for each of the last n spans of the
// given length (hours or days, aligned to UTC; the current one last).
func (s *Service) Dashboard(ctx context.Context, marketplaceID string, span time.Duration, n int) (Dashboard, error) {
	now := s.Now()
	from := now.UTC().Truncate(span).Add(-time.Duration(n-1) * span)
	// The two reads count every open case and every case of the range:
	// each on a read connection of its own, at once.
	var d Dashboard
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		d.Now, err = s.DB.QueueStats(ctx, marketplaceID, now)
		return err
	})
	g.Go(func() (err error) {
		d.Spans, err = s.DB.CaseHistory(ctx, marketplaceID, from, span, n)
		return err
	})
	return d, g.Wait()
}
