// Package crashtest proves that Vigil survives being killed: it runs the
// real binary as a subprocess, loads it from concurrent clients, SIGKILLs
// it at random moments, restarts it on the same database and port, and
// then checks that every acknowledged item is stored exactly once, that
// nothing is half-stored, that the audit chain verifies and that every
// queued webhook reaches its receiver.
//
// The package holds tests only. Run with -short to skip them.
package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/proctest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// The load: items in all, split between reports (one request each) and
// account events (eventBatch to a request), from clients concurrent
// clients, with at least minKills kills of the server while it runs.
const (
	items      = 10_000
	reports    = 3_000
	eventBatch = 100
	clients    = 8
	minKills   = 3
	// giveUpRate is the share of requests whose client gives up after a
	// first failed attempt: they may or may not be stored, but never half.
	giveUpRate = 0.03
)

// TestCrashSafety is the crash-safety test of the reliability issue, on
// SQLite and on PostgreSQL. VIGIL_CRASH_SEED replays a run's random kills.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short mode: builds vigil and SIGKILLs it under 10,000 items of load (about a minute per database)")
	}
	bin := proctest.Build(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("VIGIL_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("VIGIL_CRASH_SEED: %v", err)
		}
	}
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			t.Logf("seed %d (VIGIL_CRASH_SEED=%d replays it)", seed, seed)
			crash(t, bin, storetest.DSN(t, d), rand.New(rand.NewPCG(seed, uint64(len(d)))))
		})
	}
}

func crash(t *testing.T, bin, dsn string, rng *rand.Rand) {
	start := time.Now()
	mp := proctest.CreateMarketplace(t, bin, dsn, "Crash Test")
	srv := proctest.NewServer(t, bin, dsn, "--allow-private-webhooks",
		// Each worker takes one delivery per fetch, ten fetches a second:
		// enough workers keep up with the reports.
		"--workers", "16",
		// Deliveries left running by a kill are retried 10s after this.
		"--job-timeout", "5s")
	t.Cleanup(srv.Kill)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("vigil serve's log, without its successful requests:\n%s", srv.Digest())
		}
	})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	rcv := proctest.NewReceiver(t)
	rcv.Subscribe(t, srv.Base(), mp.APIKey, "report.received")

	l := newLoad(rng)
	kills := make(chan int, 1)
	go func() { kills <- l.killer(t, srv, rng) }()
	l.run(t, srv.Base(), mp.APIKey)
	n := <-kills
	for _, e := range l.serverErrors[:min(len(l.serverErrors), 5)] {
		t.Errorf("the server failed a request (%d in all): %s", len(l.serverErrors), e)
	}
	loaded := time.Since(start)
	if n < minKills {
		t.Errorf("the server was killed %d times, want at least %d", n, minKills)
	}

	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	refs := checkReports(t, db, mp.ID, l)
	checkEvents(t, db, mp.ID, l)
	checkOutbox(t, db, mp.ID, refs)
	waitWebhooks(t, db, rcv, refs)
	srv.Stop()
	verifyAudit(t, bin, dsn, db)
	t.Logf("%d items (%d acknowledged, %d given up) through %d kills: load %s, all checks %s",
		items, l.acked.Load(), l.gaveUp.Load(), n, loaded.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// unit is one request of the load: a report or a batch of events.
type unit struct {
	report string   // the report's idempotency key
	events []string // the batch's event ids
	giveUp bool     // the client gives up after a failed first attempt
}

func (u unit) size() int { return max(len(u.events), 1) }

// load is the work of the clients and what the server acknowledged.
type load struct {
	units []unit
	// done counts items finished with (acknowledged, given up or failed),
	// for the killer; finished is closed when all are.
	done, acked, gaveUp atomic.Int64
	finished            chan struct{}
	// abort stops the clients when the server cannot be restarted.
	abort       atomic.Bool
	mu          sync.Mutex
	reports     map[string]string // acknowledged key → reference
	events      map[string]bool   // acknowledged event ids
	sentReports map[string]bool
	sentEvents  map[string]bool
	batches     map[string]int // first event id → batch size
	// serverErrors are the 5xx answers.
	serverErrors []string
}

func newLoad(rng *rand.Rand) *load {
	l := &load{finished: make(chan struct{}), reports: map[string]string{}, events: map[string]bool{}, sentReports: map[string]bool{},
		sentEvents: map[string]bool{}, batches: map[string]int{}}
	for i := range reports {
		l.units = append(l.units, unit{report: fmt.Sprintf("crash-r-%05d", i)})
	}
	for i := 0; i < items-reports; i += eventBatch {
		u := unit{}
		for j := i; j < min(i+eventBatch, items-reports); j++ {
			u.events = append(u.events, fmt.Sprintf("crash-e-%05d", j))
		}
		l.units = append(l.units, u)
	}
	rng.Shuffle(len(l.units), func(i, j int) { l.units[i], l.units[j] = l.units[j], l.units[i] })
	for i := range l.units {
		u := &l.units[i]
		u.giveUp = rng.Float64() < giveUpRate
		if u.report != "" {
			l.sentReports[u.report] = true
		}
		for _, id := range u.events {
			l.sentEvents[id] = true
		}
		if len(u.events) > 0 {
			l.batches[u.events[0]] = len(u.events)
		}
	}
	return l
}

// accountOf is the account an event of the load upserts.
func accountOf(eventID string) string { return "acc-" + strings.TrimPrefix(eventID, "crash-e-") }

// run sends every unit from concurrent clients and returns when each is
// acknowledged or given up.
func (l *load) run(t *testing.T, base, key string) {
	work := make(chan unit)
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			c := &http.Client{Timeout: 30 * time.Second}
			for u := range work {
				l.send(t, c, base, key, u)
				l.done.Add(int64(u.size()))
			}
		})
	}
	for _, u := range l.units {
		work <- u
	}
	close(work)
	wg.Wait()
	close(l.finished)
}

// send posts u until the server acknowledges it, retrying connection
// errors, 5xx and 429 (the server may be dead or restarting).
func (l *load) send(t *testing.T, c *http.Client, base, key string, u unit) {
	path, idem, body := "/v1/reports", u.report, any(nil)
	if u.report != "" {
		body = map[string]any{"target": map[string]string{"type": "listing", "id": "L" + u.report[len(u.report)-3:]},
			"reason": "scam_or_fraud", "details": "crash test " + u.report, "reporter": map[string]string{"id": "reporter-" + u.report}}
	} else {
		evs := make([]map[string]any, len(u.events))
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		for i, id := range u.events {
			evs[i] = map[string]any{"id": id, "type": "account.upserted", "occurred_at": at,
				"data": map[string]any{"account_id": accountOf(id), "kind": "private", "email": accountOf(id) + "@example.com", "country": "DE"}}
		}
		path, body = "/v1/events", map[string]any{"events": evs}
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		status, resp, err := proctest.Post(c, base+path, key, idem, body)
		if err == nil && status/100 == 2 {
			l.ack(t, u, resp)
			return
		}
		if err == nil && status >= 500 {
			l.noteServerError(status, resp)
		}
		if err == nil && status < 500 && status != http.StatusTooManyRequests {
			t.Errorf("%s %v: %d %s", path, u.report+strings.Join(u.events[:min(len(u.events), 1)], ""), status, resp)
			return
		}
		if u.giveUp {
			l.gaveUp.Add(int64(u.size()))
			return
		}
		if l.abort.Load() || time.Now().After(deadline) {
			t.Errorf("%s: not acknowledged: %d %v", path, status, err)
			return
		}
		time.Sleep(time.Duration(10+rand.IntN(40)) * time.Millisecond)
	}
}

// noteServerError keeps the 5xx answers: a crash resets connections, it
// never makes a live server fail a request.
func (l *load) noteServerError(status int, resp []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.serverErrors = append(l.serverErrors, fmt.Sprintf("%d %s", status, resp))
}

// ack records what a 2xx answer acknowledged.
func (l *load) ack(t *testing.T, u unit, resp []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if u.report != "" {
		var f struct {
			Reference string `json:"reference"`
		}
		if err := json.Unmarshal(resp, &f); err != nil || f.Reference == "" {
			t.Errorf("report %s acknowledged with %s", u.report, resp)
			return
		}
		l.reports[u.report] = f.Reference
		l.acked.Add(1)
		return
	}
	var res struct {
		Accepted, Duplicates int
		Errors               []any
	}
	if err := json.Unmarshal(resp, &res); err != nil || res.Accepted+res.Duplicates != len(u.events) || len(res.Errors) > 0 {
		t.Errorf("batch %s acknowledged with %s", u.events[0], resp)
		return
	}
	for _, id := range u.events {
		l.events[id] = true
	}
	l.acked.Add(int64(len(u.events)))
}

// killer SIGKILLs and restarts the server at random moments of the load:
// at minKills or one more random shares of the items, each a few
// milliseconds late. It returns the number of kills, fewer if the load
// ends first.
func (l *load) killer(t *testing.T, srv *proctest.Server, rng *rand.Rand) int {
	var at []float64
	for range minKills + rng.IntN(2) {
		at = append(at, 0.05+0.8*rng.Float64())
	}
	slices.Sort(at)
	n := 0
	for _, share := range at {
		for float64(l.done.Load()) < share*items {
			select {
			case <-l.finished:
				return n
			case <-time.After(2 * time.Millisecond):
			}
		}
		time.Sleep(time.Duration(rng.IntN(50)) * time.Millisecond)
		srv.Kill()
		n++
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		if err := srv.Start(); err != nil {
			t.Errorf("restart after kill %d: %v", n, err)
			l.abort.Store(true)
			break
		}
	}
	return n
}

// checkReports proves every acknowledged report stored exactly once with
// the reference it was acknowledged with, and every stored report whole:
// its case, its history entry and its audit entry. It returns the stored
// references.
func checkReports(t *testing.T, db *store.DB, mpID string, l *load) map[string]bool {
	t.Helper()
	type rep struct{ key, caseID string }
	stored := map[string]rep{} // reference → report
	byKey := map[string]string{}
	proctest.Scan(t, db, `SELECT r.reference, r.idempotency_key, r.case_id, COALESCE(c.id, '') FROM reports r LEFT JOIN cases c ON c.id = r.case_id
		WHERE r.marketplace_id = $1`, []any{mpID}, func(s func(...any)) {
		var ref, key, caseID, found string
		s(&ref, &key, &caseID, &found)
		if found == "" {
			t.Errorf("report %s has no case %s", ref, caseID)
		}
		if other, dup := byKey[key]; dup {
			t.Errorf("idempotency key %s stored twice: %s and %s", key, other, ref)
		}
		if !l.sentReports[key] {
			t.Errorf("report %s has a key %q no client sent", ref, key)
		}
		byKey[key], stored[ref] = ref, rep{key, caseID}
	})
	for key, ref := range l.reports {
		if byKey[key] != ref {
			t.Errorf("report %s acknowledged as %s but stored as %q", key, ref, byKey[key])
		}
	}
	// Each report is in its case's history and the audit log exactly once.
	for _, q := range []struct{ name, sql string }{
		{"case history", `SELECT case_id, detail FROM case_events WHERE marketplace_id = $1 AND kind = 'report_added'`},
		{"audit log", `SELECT subject_id, detail FROM audit_log WHERE chain = $1 AND action = 'report.filed'`},
	} {
		seen := map[string]bool{}
		proctest.Scan(t, db, q.sql, []any{mpID}, func(s func(...any)) {
			var caseID, detail string
			s(&caseID, &detail)
			var d struct{ Reference string }
			json.Unmarshal([]byte(detail), &d)
			r, ok := stored[d.Reference]
			switch {
			case !ok:
				t.Errorf("%s names report %q, which is not stored", q.name, d.Reference)
			case seen[d.Reference]:
				t.Errorf("%s names report %s twice", q.name, d.Reference)
			case r.caseID != caseID:
				t.Errorf("%s puts report %s in case %s, not %s", q.name, d.Reference, caseID, r.caseID)
			}
			seen[d.Reference] = true
		})
		if len(seen) != len(stored) {
			t.Errorf("%s names %d reports, %d are stored", q.name, len(seen), len(stored))
		}
	}
	t.Logf("reports: %d acknowledged, %d stored", len(l.reports), len(stored))
	refs := make(map[string]bool, len(stored))
	for ref := range stored {
		refs[ref] = true
	}
	return refs
}

// checkEvents proves every acknowledged event stored once, each stored
// event projected (its account) and audited in its batch's one entry.
func checkEvents(t *testing.T, db *store.DB, mpID string, l *load) {
	t.Helper()
	stored := map[string]bool{}
	proctest.Scan(t, db, `SELECT id FROM events WHERE marketplace_id = $1`, []any{mpID}, func(s func(...any)) {
		var id string
		s(&id)
		if !l.sentEvents[id] {
			t.Errorf("event %q stored, but no client sent it", id)
		}
		stored[id] = true
	})
	for id := range l.events {
		if !stored[id] {
			t.Errorf("event %s acknowledged but not stored", id)
		}
	}
	accounts := map[string]bool{}
	proctest.Scan(t, db, `SELECT id FROM accounts WHERE marketplace_id = $1`, []any{mpID}, func(s func(...any)) {
		var id string
		s(&id)
		accounts[id] = true
	})
	for id := range stored {
		if !accounts[accountOf(id)] {
			t.Errorf("event %s stored without its account", id)
		}
	}
	if len(accounts) != len(stored) {
		t.Errorf("%d accounts for %d stored events", len(accounts), len(stored))
	}
	// Batches are stored whole or not at all, each with one audit entry.
	audited, total := map[string]bool{}, 0
	proctest.Scan(t, db, `SELECT detail FROM audit_log WHERE chain = $1 AND action = 'events.ingested'`, []any{mpID}, func(s func(...any)) {
		var detail string
		s(&detail)
		var d struct {
			Accepted int    `json:"accepted"`
			FirstID  string `json:"first_id"`
		}
		json.Unmarshal([]byte(detail), &d)
		if audited[d.FirstID] {
			t.Errorf("batch %s audited twice", d.FirstID)
		}
		if want := l.batches[d.FirstID]; d.Accepted != want {
			t.Errorf("batch %s audited with %d events, it holds %d", d.FirstID, d.Accepted, want)
		}
		audited[d.FirstID] = true
		total += d.Accepted
	})
	if total != len(stored) {
		t.Errorf("the audit log accounts for %d events, %d are stored", total, len(stored))
	}
	t.Logf("events: %d acknowledged, %d stored in %d batches", len(l.events), len(stored), len(audited))
}

// checkOutbox proves each stored report queued exactly one report.received
// delivery, and each delivery exactly one job.
func checkOutbox(t *testing.T, db *store.DB, mpID string, refs map[string]bool) {
	t.Helper()
	deliveries := map[string]bool{}
	seen := map[string]bool{}
	proctest.Scan(t, db, `SELECT id, payload FROM webhook_deliveries WHERE marketplace_id = $1 AND event_type = 'report.received'`, []any{mpID}, func(s func(...any)) {
		var id, payload string
		s(&id, &payload)
		var m struct {
			Data struct{ Reference string }
		}
		json.Unmarshal([]byte(payload), &m)
		if seen[m.Data.Reference] || !refs[m.Data.Reference] {
			t.Errorf("delivery %s for report %q: a second one, or for a report not stored", id, m.Data.Reference)
		}
		seen[m.Data.Reference], deliveries[id] = true, true
	})
	if len(seen) != len(refs) {
		t.Errorf("%d report.received deliveries queued for %d reports", len(seen), len(refs))
	}
	jobs := 0
	proctest.Scan(t, db, `SELECT args FROM river_job WHERE kind = 'webhook_deliver'`, nil, func(s func(...any)) {
		var args []byte
		s(&args)
		var a struct {
			DeliveryID string `json:"delivery_id"`
		}
		json.Unmarshal(args, &a)
		if deliveries[a.DeliveryID] {
			jobs++
			deliveries[a.DeliveryID] = false
		} else {
			t.Errorf("webhook job for delivery %q: a second one, or for no delivery", a.DeliveryID)
		}
	})
	if jobs != len(deliveries) {
		t.Errorf("%d webhook jobs for %d deliveries", jobs, len(deliveries))
	}
}

// waitWebhooks waits until the receiver has verified a report.received
// message for every stored report and the outbox has nothing pending.
func waitWebhooks(t *testing.T, db *store.DB, rcv *proctest.Receiver, refs map[string]bool) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(2 * time.Minute)
	for {
		got, posts, bad := announced(rcv)
		missing := 0
		for ref := range refs {
			if !got[ref] {
				missing++
			}
		}
		var pending int
		if err := db.R.QueryRow(`SELECT COUNT(*) FROM webhook_deliveries WHERE status <> 'delivered'`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if bad > 0 {
			t.Fatalf("the receiver could not verify %d deliveries", bad)
		}
		if missing == 0 && pending == 0 {
			t.Logf("webhooks: %d reports announced by %d messages in %d posts (%.1fs after the load)",
				len(refs), len(got), posts, time.Since(start).Seconds())
			return
		}
		if time.Now().After(deadline) {
			states := map[string]int{}
			proctest.Scan(t, db, `SELECT state, COUNT(*) FROM river_job WHERE kind = 'webhook_deliver' GROUP BY state`, nil, func(s func(...any)) {
				var state string
				var n int
				s(&state, &n)
				states[state] = n
			})
			proctest.Scan(t, db, `SELECT state, errors FROM river_job WHERE kind = 'webhook_deliver' AND state <> 'completed' LIMIT 5`, nil, func(s func(...any)) {
				var state string
				var errs []byte
				s(&state, &errs)
				t.Logf("webhook job %s: %s", state, errs)
			})
			t.Fatalf("after %s: %d stored reports never announced, %d deliveries not delivered; webhook jobs by state: %v",
				time.Since(start).Round(time.Second), missing, pending, states)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// verifyAudit checks the chains with vigil audit verify and in-process.
func verifyAudit(t *testing.T, bin, dsn string, db *store.DB) {
	t.Helper()
	out, err := proctest.Command(bin, "audit", "verify", "--db", dsn).Output()
	if err != nil || !bytes.Contains(out, []byte("audit log intact")) {
		t.Fatalf("vigil audit verify: %v\n%s", proctest.ExitDetail(err), out)
	}
	chains, err := db.AuditChains(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chains {
		if _, err := db.VerifyAuditChain(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

// announced returns the reports the receiver heard of at least once,
// however often, with the posts and unverifiable posts in all.
func announced(rcv *proctest.Receiver) (map[string]bool, int, int) {
	msgs, _, posts, bad := rcv.Received()
	out := make(map[string]bool, len(msgs))
	for _, m := range msgs {
		var d struct {
			Reference string `json:"reference"`
		}
		json.Unmarshal(m.Data, &d)
		out[d.Reference] = true
	}
	return out, posts, bad
}
