package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/detect"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
)

// Bulk files reports as File does, many at a time, for loading large
// volumes (the benchmark's data generator): File works out each report's
// rows with the service's own rules — validation against the policy's
// taxonomy, the reason group's severity and SLA, the per-reporter rate,
// spikes and their alerts, priorities, the detectors' evidence, history
// and audit entries — and keeps them; Flush writes them in one transaction
// with multi-row INSERTs. The rows are those File would have written for
// the same reports at the same times, in the same order (TestBulkMatchesFile
// in internal/bench holds the two together).
//
// Bulk keeps what File reads from the database about earlier reports in
// memory instead, so it needs a marketplace with no cases or reports when
// it starts, and no webhook subscriptions (it sends no webhooks); reports
// must come in time order, and nothing else may file reports or change
// cases in the marketplace until the last Flush.
type Bulk struct {
	s     *Service
	mp    string
	actor audit.Actor
	eff   check.Effective
	// NewReference draws report references; nil draws them at random, as
	// File does.
	NewReference func() string

	last    time.Time
	open    map[string]*bulkCase // cases touched since the last Flush
	order   []*bulkCase
	flushed map[string]bool // targets whose open case is stored
	// recent holds the report times per reporter, target and account
	// within the longest window the rate and spike rules look at.
	recent map[string][]time.Time
	window time.Duration
	// scanned holds what Prescan found out about targets ahead of File.
	scanned map[string]scanned

	reports []store.Report
	events  []store.CaseEvent
	alerts  []store.Alert
	audits  []audit.Entry
}

// scanned is a target as File would load it, and what the detectors find
// in its content.
type scanned struct {
	t        target
	findings []detect.Finding
}

// bulkCase is an open case with what its next report needs.
type bulkCase struct {
	c         store.Case
	t         target
	risk      int
	reporters map[string]string // reporter id → the first reporter type in sort order, as CaseReporters reports it
}

// NewBulk starts a bulk load of reports into a marketplace, filed by actor.
func (s *Service) NewBulk(ctx context.Context, marketplaceID string, actor audit.Actor) (*Bulk, error) {
	if has, err := s.DB.HasCases(ctx, marketplaceID); err != nil || has {
		if err == nil {
			err = fmt.Errorf("bulk filing needs a marketplace without cases or reports: %w", store.ErrNotEmpty)
		}
		return nil, err
	}
	if subs, err := s.DB.WebhookSubscriptions(ctx, marketplaceID); err != nil || len(subs) > 0 {
		if err == nil {
			err = fmt.Errorf("bulk filing sends no webhooks, and the marketplace has %d subscription(s): %w", len(subs), store.ErrNotEmpty)
		}
		return nil, err
	}
	// The policy in force now, once: File reads the same one every time
	// while nobody changes it.
	eff, err := s.Policies.Get(ctx, marketplaceID)
	if err != nil {
		return nil, err
	}
	pol := eff.Compiled.Policy("")
	return &Bulk{s: s, mp: marketplaceID, actor: actor, eff: eff, open: map[string]*bulkCase{}, flushed: map[string]bool{},
		recent: map[string][]time.Time{}, scanned: map[string]scanned{}, window: max(pol.Reports.Spike.Window.Std(), pol.Reports.ReporterRate.Window.Std())}, nil
}

// Pending is how many reports File has taken since the last Flush.
func (b *Bulk) Pending() int { return len(b.reports) }

// File takes a report arriving at at, as File would file it then, and
// answers as File does; the report is stored by the next Flush.
func (b *Bulk) File(ctx context.Context, req ReportRequest, at time.Time) (Filed, error) {
	now := time.UnixMicro(at.UnixMicro()).UTC() // stored precision: the windows compare what the database would
	if now.Before(b.last) {
		return Filed{}, fmt.Errorf("bulk filing: a report at %s after one at %s: reports must come in time order", now, b.last)
	}
	b.last = now
	// The target as File reads it, before validation trims its id.
	t := target{}
	raw := req.Target.Type + "\x00" + req.Target.ID
	pre, prescanned := b.scanned[raw]
	delete(b.scanned, raw)
	if bc := b.open[raw]; bc != nil {
		t = bc.t
	} else if prescanned {
		t = pre.t
	} else {
		var err error
		if t, err = loadTarget(ctx, b.s.DB, b.mp, req.Target.Type, req.Target.ID); err != nil {
			return Filed{}, err
		}
	}
	pol := b.eff.Compiled.Policy(t.category)
	if err := validate(pol, &req); err != nil {
		return Filed{}, err
	}
	key := req.Target.Type + "\x00" + req.Target.ID
	fp, err := json.Marshal(req)
	if err != nil {
		return Filed{}, err
	}
	group := pol.Reports.Reasons[req.Reason]
	// No reporter has a record yet: records change only as reports close.
	if lim := pol.Reports.ReporterRate; req.Reporter.Type == "user" {
		if n, first := b.since("reporter", req.Reporter.ID, now.Add(-lim.Window.Std())); n >= lim.Max {
			return Filed{}, RateLimited{Until: first.Add(lim.Window.Std())}
		}
	}
	bc, created, err := b.openCase(ctx, key, req, t, group, pol, now)
	if err != nil {
		return Filed{}, err
	}
	c := &bc.c
	sla := slaOf(pol, group)
	if req.Reporter.Type == "trusted_flagger" {
		sla = min(sla, pol.Reports.TrustedFlaggerSLA.Std())
	}
	setDue(c, pol, now, sla)
	ref := NewReference
	if b.NewReference != nil {
		ref = b.NewReference
	}
	rep, err := newReport(b.s.NewID(), ref(), b.mp, c.ID, req, "", string(fp), t, group, now)
	if err != nil {
		return Filed{}, err
	}
	rep.Weight = Reporter{Type: rep.ReporterType}.Weight(pol.Reports.Priority)
	// CountReports counts an account target's reports by account, as
	// everything of the account's.
	b.note("reporter", rep.ReporterID, now)
	if rep.TargetType != "account" {
		b.note(rep.TargetType, rep.TargetID, now)
	}
	if rep.AccountID != "" {
		b.note("account", rep.AccountID, now)
	}
	if typ, ok := bc.reporters[rep.ReporterID]; !ok || rep.ReporterType < typ {
		bc.reporters[rep.ReporterID] = rep.ReporterType
	}
	spike, err := spikeOf(*c, pol, now, func(targetType, targetID string, since time.Time) (int, error) {
		n, _ := b.since(targetType, targetID, since)
		return n, nil
	})
	if err != nil {
		return Filed{}, err
	}
	newSpike := spike != "" && c.SpikeAt.IsZero()
	if newSpike {
		c.SpikeAt = now
	}
	if err := prioritise(c, pol, bc.caseReporters(), bc.risk, t, now); err != nil {
		return Filed{}, err
	}
	b.reports = append(b.reports, rep)
	if err := b.history(*c, b.actor, "report_added", reportAdded(rep), now); err != nil {
		return Filed{}, err
	}
	if newSpike {
		b.alerts = append(b.alerts, store.Alert{ID: b.s.NewID(), MarketplaceID: b.mp, Kind: "spike", CaseID: c.ID, Detail: spike, CreatedAt: now})
	}
	if created && b.s.Scanner != nil && len(t.fields) > 0 {
		// File scans every report's content but keeps what it finds only
		// for a case's first; Bulk scans only then.
		findings := pre.findings
		if !prescanned {
			if findings, err = b.s.Scanner.ScanText(b.mp, b.eff, t.category, t.fields...); err != nil {
				return Filed{}, err
			}
		}
		if len(findings) > 0 {
			if err := b.history(*c, audit.Actor{Type: audit.ActorSystem, ID: "detector"}, "evidence", map[string]any{"findings": findings}, now); err != nil {
				return Filed{}, err
			}
		}
	}
	detail, err := json.Marshal(reportFiled(rep, created))
	if err != nil {
		return Filed{}, err
	}
	b.audits = append(b.audits, audit.Entry{Chain: b.mp, At: now, ActorType: b.actor.Type, ActorID: b.actor.ID, Action: "report.filed",
		SubjectType: "case", SubjectID: c.ID, Detail: string(detail)})
	return Filed{Reference: rep.Reference, CaseID: c.ID, Status: "received", CreatedAt: now}, nil
}

// Prescan loads the targets of the reports that would open cases and runs
// the detectors over their content on every core, ahead of File, which
// then finds them ready: the scan is most of the CPU filing takes. Call
// it with the reports about to be filed, after the last change to their
// targets.
func (b *Bulk) Prescan(ctx context.Context, reqs []ReportRequest) error {
	var todo []Target
	seen := map[string]bool{}
	for _, r := range reqs {
		key := r.Target.Type + "\x00" + r.Target.ID
		if _, ok := b.scanned[key]; ok || seen[key] || b.open[key] != nil || b.flushed[key] {
			continue
		}
		seen[key] = true
		todo = append(todo, r.Target)
	}
	out := make([]scanned, len(todo))
	errs := make([]error, len(todo))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(todo)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
				t, err := loadTarget(ctx, b.s.DB, b.mp, todo[i].Type, todo[i].ID)
				out[i].t = t
				if err == nil && b.s.Scanner != nil && len(t.fields) > 0 {
					out[i].findings, err = b.s.Scanner.ScanText(b.mp, b.eff, t.category, t.fields...)
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, tg := range todo {
		if errs[i] != nil {
			return errs[i]
		}
		b.scanned[tg.Type+"\x00"+tg.ID] = out[i]
	}
	return nil
}

// openCase is openCase's rule over the cases in memory and those stored
// by an earlier Flush.
func (b *Bulk) openCase(ctx context.Context, key string, req ReportRequest, t target, group string, pol *policy.Policy, at time.Time) (*bulkCase, bool, error) {
	bc := b.open[key]
	if bc == nil && b.flushed[key] {
		c, err := b.s.DB.OpenCaseFor(ctx, b.mp, req.Target.Type, req.Target.ID)
		if err != nil {
			return nil, false, err
		}
		reps, err := b.s.DB.CaseReporters(ctx, b.mp, c.ID)
		if err != nil {
			return nil, false, err
		}
		bc = &bulkCase{c: c, t: t, reporters: map[string]string{}}
		for _, r := range reps {
			bc.reporters[r.ReporterID] = r.Type
		}
		if bc.risk, err = riskOf(ctx, b.s.DB, &bc.c); err != nil {
			return nil, false, err
		}
		b.open[key], b.order = bc, append(b.order, bc)
	}
	if bc != nil {
		if moreSevere(pol, group, bc.c.ReasonGroup) {
			bc.c.ReasonGroup = group
		}
		if bc.c.AccountID == "" && t.accountID != "" {
			bc.c.AccountID = t.accountID
			var err error
			if bc.risk, err = riskOf(ctx, b.s.DB, &bc.c); err != nil {
				return nil, false, err
			}
		}
		bc.c.UpdatedAt = at
		return bc, false, nil
	}
	bc = &bulkCase{c: store.Case{ID: b.s.NewID(), MarketplaceID: b.mp, TargetType: req.Target.Type, TargetID: req.Target.ID, AccountID: t.accountID,
		Status: "pending", Source: "report", ReasonGroup: group, CreatedAt: at, UpdatedAt: at}, t: t, reporters: map[string]string{}}
	var err error
	if bc.risk, err = riskOf(ctx, b.s.DB, &bc.c); err != nil {
		return nil, false, err
	}
	b.open[key], b.order = bc, append(b.order, bc)
	return bc, true, nil
}

// caseReporters lists the case's distinct reporters as CaseReporters
// does: by id, with no track record yet.
func (bc *bulkCase) caseReporters() []store.CaseReporter {
	out := make([]store.CaseReporter, 0, len(bc.reporters))
	for id, typ := range bc.reporters {
		out = append(out, store.CaseReporter{Reporter: store.Reporter{MarketplaceID: bc.c.MarketplaceID, ReporterID: id}, Type: typ})
	}
	// ComputePriority's sums run in this order; CaseReporters sorts by id.
	slices.SortFunc(out, func(a, b store.CaseReporter) int { return strings.Compare(a.ReporterID, b.ReporterID) })
	return out
}

func (b *Bulk) history(c store.Case, actor audit.Actor, kind string, detail any, at time.Time) error {
	e, err := b.s.caseEvent(c, actor, kind, detail, at)
	if err == nil {
		b.events = append(b.events, e)
	}
	return err
}

// note records a report on key at t for the rate and spike rules.
func (b *Bulk) note(kind, id string, t time.Time) {
	k := kind + "\x00" + id
	b.recent[k] = append(b.recent[k], t)
}

// since counts the reports noted on key at or after from, and the first
// of them, as CountReports and ReportsSince do.
func (b *Bulk) since(kind, id string, from time.Time) (int, time.Time) {
	ts := b.recent[kind+"\x00"+id]
	i := len(ts)
	for i > 0 && !ts[i-1].Before(from) {
		i--
	}
	if i == len(ts) {
		return 0, time.Time{}
	}
	return len(ts) - i, ts[i]
}

// Flush writes every report taken since the last Flush, with its case,
// history, alerts and audit entries, in one transaction.
func (b *Bulk) Flush(ctx context.Context) error {
	if len(b.reports) == 0 {
		return nil
	}
	cs := make([]store.Case, len(b.order))
	for i, bc := range b.order {
		cs[i] = bc.c
	}
	err := b.s.DB.Bulk(ctx, func(tx *store.BulkTx) error {
		if err := tx.PutCases(ctx, cs); err != nil {
			return err
		}
		if err := tx.InsertReports(ctx, b.reports); err != nil {
			return err
		}
		if err := tx.AddCaseEvents(ctx, b.events); err != nil {
			return err
		}
		if err := tx.CreateAlerts(ctx, b.alerts); err != nil {
			return err
		}
		_, err := tx.AppendAudits(ctx, b.audits)
		return err
	})
	if err != nil {
		return err
	}
	for key := range b.open {
		b.flushed[key] = true
	}
	clear(b.open)
	b.order, b.reports, b.events, b.alerts, b.audits = b.order[:0], b.reports[:0], b.events[:0], b.alerts[:0], b.audits[:0]
	// Forget report times no rule looks at any more.
	horizon := b.last.Add(-b.window)
	for k, ts := range b.recent {
		if ts[len(ts)-1].Before(horizon) {
			delete(b.recent, k)
		}
	}
	return nil
}
