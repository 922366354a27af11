// Package scaletest proves that several `vigil serve` processes on one
// PostgreSQL database behave as one system: it builds the real binary,
// runs three processes on one throwaway database, spreads the work over
// them and checks that jobs run once, that claims never go to two
// moderators, that a change made through one process is in the others'
// answers at once, and that periodic jobs are queued by one leader — and
// by another when the leader is killed.
//
// The package holds tests only. Run with -short to skip them.
package scaletest

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/proctest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const (
	processes = 3
	password  = "correct horse battery staple"
	// sweepEvery is the --sweep-interval of every process: the claims,
	// SLA, enforcement and appeals sweeps are queued this often.
	sweepEvery = time.Second
	// visibleWithin bounds how long a change made through one process may
	// take to be in another's answers.
	visibleWithin = 2 * time.Second
)

// TestSeveralProcessesOnePostgres is the integration test of the scale
// issue: three serve processes, one database.
func TestSeveralProcessesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short mode: builds vigil and runs three serve processes on one PostgreSQL (about a minute)")
	}
	dsn := storetest.DSN(t, store.Postgres)
	c := newCluster(t, proctest.Build(t), dsn)
	t.Run("JobsRunOnce", c.jobsRunOnce)
	t.Run("ClaimsNeverDoubleAssign", c.claimsNeverDoubleAssign)
	t.Run("CachesInvalidateAcrossProcesses", c.cachesInvalidate)
	// Last: it kills the leader.
	t.Run("PeriodicJobsRunOnOneLeader", c.periodicOnOneLeader)
}

// cluster is the processes on the database, the marketplace they serve
// and its console users.
type cluster struct {
	procs []*proctest.Server
	// down are the processes killed, which proc skips.
	down  map[*proctest.Server]bool
	db    *store.DB
	mp    proctest.Marketplace
	admin string
	// agents and seniors are user ids by role; names has each username.
	agents, seniors []string
	names           map[string]string
	http            *http.Client
	// up is when every process was serving.
	up time.Time
}

// newCluster empties the database and starts the processes on it at
// once, as a fresh deployment does — each migrates the schema on start,
// taking turns — then creates the marketplace and its console users.
func newCluster(t *testing.T, bin, dsn string) *cluster {
	c := &cluster{names: map[string]string{}, down: map[*proctest.Server]bool{},
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	db, err := store.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c.db = db
	if _, err := db.W.ExecContext(t.Context(), `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	errs := make([]error, processes)
	var wg sync.WaitGroup
	for i := range processes {
		s := proctest.NewServer(t, bin, dsn, "--allow-private-webhooks", "--workers", "8", "--job-timeout", "10s",
			"--sweep-interval", sweepEvery.String())
		t.Cleanup(s.Kill)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("process %d's log, without its successful requests:\n%s", i+1, s.Digest())
			}
		})
		c.procs = append(c.procs, s)
		wg.Go(func() { errs[i] = s.Start() })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("process %d, started with the others on an empty database: %v", i+1, err)
		}
	}
	c.up = time.Now()
	c.mp = proctest.CreateMarketplace(t, bin, dsn, "Scale Test")
	user := func(name, role string) string {
		id := proctest.CreateUser(t, bin, dsn, c.mp.ID, name, role, password)
		c.names[id] = name
		return id
	}
	c.admin = user("admin", "admin")
	for i := range 6 {
		c.agents = append(c.agents, user(fmt.Sprintf("agent%d", i), "agent"))
	}
	for i := range 3 {
		c.seniors = append(c.seniors, user(fmt.Sprintf("senior%d", i), "senior_moderator"))
	}
	return c
}

// proc is the i-th running process, round-robin.
func (c *cluster) proc(i int) *proctest.Server {
	var live []*proctest.Server
	for _, s := range c.procs {
		if !c.down[s] {
			live = append(live, s)
		}
	}
	return live[i%len(live)]
}

// answer is an HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%d %s", a.status, a.body)
}

// call sends an API request to one process.
func (c *cluster) call(s *proctest.Server, method, path string, body any, header http.Header) answer {
	r, err := proctest.Send(c.http, method, s.Base()+path, c.mp.APIKey, body, header)
	return answer{r.Status, r.Header, r.Body, err}
}

// must sends an API request and fails the test unless it answers want;
// it decodes the answer into out unless nil.
func (c *cluster) must(t *testing.T, s *proctest.Server, method, path string, body any, want int, out any) {
	t.Helper()
	a := c.call(s, method, path, body, nil)
	if a.err != nil || a.status != want {
		t.Fatalf("%s %s on %s: %s, want %d", method, path, s.Addr, a, want)
	}
	if out != nil {
		if err := json.Unmarshal(a.body, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, a.body)
		}
	}
}

// filed is a report as the API acknowledged it.
type filed struct {
	Reference string `json:"reference"`
	CaseID    string `json:"case_id"`
}

// fileReports files one report per target (targets[i] through process
// i), from distinct reporters, concurrently, and returns them in order.
func (c *cluster) fileReports(t *testing.T, prefix string, targets []string) []filed {
	t.Helper()
	out := make([]filed, len(targets))
	parallel(len(targets), 12, func(i int) {
		body := map[string]any{"target": map[string]string{"type": "listing", "id": targets[i]}, "reason": "scam_or_fraud",
			"details": "scale test " + prefix, "reporter": map[string]string{"id": fmt.Sprintf("%s-reporter-%04d", prefix, i)}}
		a := c.call(c.proc(i), http.MethodPost, "/v1/reports", body, http.Header{"Idempotency-Key": {fmt.Sprintf("%s-%04d", prefix, i)}})
		if a.err != nil || a.status != http.StatusCreated || json.Unmarshal(a.body, &out[i]) != nil || out[i].Reference == "" {
			t.Errorf("report %d on %s through process %d: %s", i, targets[i], i%len(c.procs)+1, a)
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return out
}

// targets returns n listing ids with a prefix.
func targets(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-L%04d", prefix, i)
	}
	return out
}

// parallel runs fn(0…n-1) on up to workers goroutines.
func parallel(n, workers int, fn func(i int)) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(n, workers) {
		wg.Go(func() {
			for i := range work {
				fn(i)
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// race runs fn(0…n-1) at once, each on its own goroutine released
// together, and returns their answers in order.
func race(n int, fn func(i int) answer) []answer {
	out := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// jobsRunOnce files 300 reports round-robin over the processes, three on
// each target at once, and proves each report.received delivery reaches
// the receiver exactly once although every process's workers take jobs.
func (c *cluster) jobsRunOnce(t *testing.T) {
	const reports = 300
	rcv := proctest.NewReceiver(t)
	rcv.Subscribe(t, c.procs[0].Base(), c.mp.APIKey, "report.received")
	// Three reports per target, one through each process, sent together.
	tg := make([]string, reports)
	for i := range tg {
		tg[i] = fmt.Sprintf("jobs-L%04d", i/processes)
	}
	start := time.Now()
	got := c.fileReports(t, "jobs", tg)
	t.Logf("%d reports filed through %d processes in %s", reports, processes, time.Since(start).Round(time.Millisecond))

	// Reports on one target cluster into one case whichever process took
	// them, and the case counts every one of them.
	caseOf, refs := map[string]string{}, map[string]bool{}
	for i, f := range got {
		refs[f.Reference] = true
		if id, ok := caseOf[tg[i]]; ok && id != f.CaseID {
			t.Errorf("reports on %s went to two cases, %s and %s", tg[i], id, f.CaseID)
		}
		caseOf[tg[i]] = f.CaseID
	}
	for target, id := range caseOf {
		var n int
		var reps int
		if err := c.db.R.QueryRow(`SELECT report_count, (SELECT COUNT(*) FROM reports r WHERE r.case_id = cases.id) FROM cases WHERE id = $1`,
			id).Scan(&n, &reps); err != nil {
			t.Fatal(err)
		}
		if n != processes || reps != processes {
			t.Errorf("case %s of %s counts %d reporters and holds %d reports; %d were filed at once through %d processes",
				id, target, n, reps, processes, processes)
		}
	}

	// Each report queued one delivery: its webhook-id is what must arrive
	// once.
	delivery := map[string]string{} // delivery id → reference
	proctest.Scan(t, c.db, `SELECT id, payload FROM webhook_deliveries WHERE marketplace_id = $1 AND event_type = 'report.received'`,
		[]any{c.mp.ID}, func(scan func(...any)) {
			var id, payload string
			scan(&id, &payload)
			var m struct{ Data struct{ Reference string } }
			json.Unmarshal([]byte(payload), &m)
			if refs[m.Data.Reference] {
				delivery[id] = m.Data.Reference
			}
		})
	if len(delivery) != reports {
		t.Fatalf("%d report.received deliveries queued for %d reports", len(delivery), reports)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, count, _, bad := rcv.Received()
		missing := 0
		for id := range delivery {
			if count[id] == 0 {
				missing++
			}
		}
		if bad > 0 {
			t.Fatalf("the receiver could not verify %d posts", bad)
		}
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d report.received deliveries never arrived within 60s", missing, reports)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("every delivery arrived %s after the first report", time.Since(start).Round(time.Millisecond))
	// A second run of a job would come moments after the first: give it
	// the time of a few fetches.
	time.Sleep(2 * time.Second)
	msgs, count, _, _ := rcv.Received()
	for id, ref := range delivery {
		if count[id] != 1 {
			t.Errorf("delivery %s (report %s) arrived %d times, want once", id, ref, count[id])
		}
		var d struct{ Reference string }
		json.Unmarshal(msgs[id].Data, &d)
		if msgs[id].Type != "report.received" || d.Reference != ref {
			t.Errorf("delivery %s carried %s for %q, want report.received for %s", id, msgs[id].Type, d.Reference, ref)
		}
	}
	// One job per delivery, run once, by whichever process fetched it.
	byClient := map[string]int{}
	jobs := map[string]int{}
	proctest.Scan(t, c.db, `SELECT args, state, attempt, COALESCE(array_to_string(attempted_by, ' '), '') FROM river_job WHERE kind = 'webhook_deliver'`,
		nil, func(scan func(...any)) {
			var args []byte
			var state, by string
			var attempt int
			scan(&args, &state, &attempt, &by)
			var a struct {
				DeliveryID string `json:"delivery_id"`
			}
			json.Unmarshal(args, &a)
			if _, ok := delivery[a.DeliveryID]; !ok {
				return
			}
			jobs[a.DeliveryID]++
			if state != "completed" || attempt != 1 || strings.Contains(by, " ") {
				t.Errorf("the job of delivery %s is %s after %d attempts by %q, want completed after one", a.DeliveryID, state, attempt, by)
			}
			byClient[by]++
		})
	for id := range delivery {
		if jobs[id] != 1 {
			t.Errorf("delivery %s has %d jobs, want one", id, jobs[id])
		}
	}
	t.Logf("deliveries worked per process: %v", c.perProcess(t, byClient))
	if len(byClient) < 2 {
		t.Errorf("only %d process worked the deliveries; the test needs the workers of several: %v", len(byClient), byClient)
	}
}

// perProcess renames a count by River client id to one by process.
func (c *cluster) perProcess(t *testing.T, byClient map[string]int) map[string]int {
	ids := c.clientIDs(t)
	out := map[string]int{}
	for id, n := range byClient {
		name := id
		if i := slices.Index(ids, id); i >= 0 {
			name = fmt.Sprintf("process %d", i+1)
		}
		out[name] += n
	}
	return out
}

// clientIDs returns each process's River client id, from the line its
// log has when its workers start ("" for one not started yet).
func (c *cluster) clientIDs(t *testing.T) []string {
	t.Helper()
	ids := make([]string, len(c.procs))
	for i, s := range c.procs {
		b, err := os.ReadFile(s.Log)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			var l struct {
				Msg      string `json:"msg"`
				ClientID string `json:"job_client_id"`
			}
			if json.Unmarshal([]byte(line), &l) == nil && l.Msg == "workers started" {
				ids[i] = l.ClientID
			}
		}
	}
	return ids
}

// step is a case's history entry.
type step struct {
	Kind    string          `json:"kind"`
	ActorID string          `json:"actor_id"`
	Detail  json.RawMessage `json:"detail"`
}

// caseView is what the claims test reads of a case.
type caseView struct {
	ID         string    `json:"id"`
	Status     string    `json:"status"`
	Assignee   string    `json:"assignee"`
	ClaimUntil time.Time `json:"claim_expires_at"`
	History    []step    `json:"history"`
}

func (c *cluster) caseView(t *testing.T, s *proctest.Server, id string) caseView {
	t.Helper()
	var v caseView
	c.must(t, s, http.MethodGet, "/v1/cases/"+id, nil, http.StatusOK, &v)
	return v
}

// steps counts a case's history entries of a kind.
func (v caseView) steps(kind string) int {
	n := 0
	for _, s := range v.History {
		if s.Kind == kind {
			n++
		}
	}
	return n
}

// isProblem reports whether an answer is the API's refusal with status:
// an RFC 9457 application/problem+json document saying why.
func isProblem(a answer, status int) bool {
	var p struct {
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	return a.err == nil && a.status == status && a.header.Get("Content-Type") == "application/problem+json" &&
		json.Unmarshal(a.body, &p) == nil && p.Status == status && p.Detail != ""
}

// claimsNeverDoubleAssign races moderators on the same cases through
// different processes: a claim, an auto-assignment and "next" each give a
// case to one moderator, and the others get the API's 403.
func (c *cluster) claimsNeverDoubleAssign(t *testing.T) {
	// Moderators log in to the console, each through one process, and
	// their sessions work on every process: no sticky sessions. Being
	// active there makes them online for auto-assignment.
	for i, id := range append(slices.Clone(c.agents), c.seniors...) {
		cl := c.login(t, c.proc(i), c.names[id])
		for j := range processes {
			page := consoleGet(t, cl, c.proc(i+j), "/console/")
			if !strings.Contains(page, c.names[id]) {
				t.Fatalf("%s's session from process %d did not open the console on process %d", c.names[id], i%processes+1, (i+j)%processes+1)
			}
		}
	}

	const perRace = 20
	claim := c.fileReports(t, "claim", targets("claim", perRace))
	auto := c.fileReports(t, "auto", targets("auto", perRace))

	// Claims: every agent claims every case at once, each through its
	// own process. Senior moderators may take a claimed case over by
	// design, so the race is between agents.
	parallel(perRace, 4, func(k int) {
		id := claim[k].CaseID
		answers := race(len(c.agents), func(j int) answer {
			return c.call(c.proc(k+j), http.MethodPost, "/v1/cases/"+id+"/actions",
				map[string]any{"action": "claim", "moderator_id": c.agents[j]}, nil)
		})
		var won []string
		for j, a := range answers {
			switch {
			case a.err == nil && a.status == http.StatusOK:
				won = append(won, c.agents[j])
			case !isProblem(a, http.StatusForbidden) || !strings.Contains(string(a.body), "claimed by another moderator"):
				t.Errorf("case %s: %s's claim through process %d answered %s; want 200 or the 403 problem for a claimed case",
					id, c.names[c.agents[j]], (k+j)%processes+1, a)
			}
		}
		v := c.caseView(t, c.proc(k+len(c.agents)), id)
		if len(won) != 1 || v.Assignee != won[0] || v.steps("claim") != 1 || v.Status != "reviewing" {
			t.Errorf("case %s: %d of %d concurrent claims succeeded (%s); the case is %s, held by %s, with %d claims in its history; want one",
				id, len(won), len(c.agents), c.nameAll(won), v.Status, c.names[v.Assignee], v.steps("claim"))
		}
	})

	// Auto-assignment: every moderator asks at once to give the case to
	// the least loaded moderator online. One assignment stands; the
	// requests that find it assigned are refused rather than moving it.
	assigners := append(slices.Clone(c.seniors), c.agents[:3]...)
	parallel(perRace, 4, func(k int) {
		id := auto[k].CaseID
		answers := race(len(assigners), func(j int) answer {
			return c.call(c.proc(k+j), http.MethodPost, "/v1/cases/"+id+"/actions",
				map[string]any{"action": "assign", "assignee": "auto", "moderator_id": assigners[j]}, nil)
		})
		var given []string
		for j, a := range answers {
			var v caseView
			switch {
			case a.err == nil && a.status == http.StatusOK && json.Unmarshal(a.body, &v) == nil:
				given = append(given, v.Assignee)
			case !isProblem(a, http.StatusForbidden):
				t.Errorf("case %s: %s's auto-assignment through process %d answered %s; want 200 or a 403 problem",
					id, c.names[assigners[j]], (k+j)%processes+1, a)
			}
		}
		v := c.caseView(t, c.proc(k), id)
		if len(given) != 1 || v.Assignee != given[0] || v.steps("assign") != 1 {
			t.Errorf("case %s: %d of %d concurrent auto-assignments succeeded, giving it to %s; it is held by %s with %d assignments in its history; want one",
				id, len(given), len(assigners), c.nameAll(given), c.names[v.Assignee], v.steps("assign"))
		}
	})

	// Next: every moderator, seniors too, takes the most urgent free case
	// a few times, all at once through all processes. No case may be
	// handed to two of them.
	const calls = 4
	mods := append(slices.Clone(c.agents), c.seniors...)
	answers := race(len(mods)*calls, func(i int) answer {
		return c.call(c.proc(i), http.MethodPost, "/v1/cases/next", map[string]any{"moderator_id": mods[i%len(mods)]}, nil)
	})
	handed := map[string][]string{} // case → moderators it was handed to
	for i, a := range answers {
		var v caseView
		if a.err != nil || a.status != http.StatusOK || json.Unmarshal(a.body, &v) != nil {
			t.Errorf("next for %s through process %d: %s", c.names[mods[i%len(mods)]], i%processes+1, a)
			continue
		}
		handed[v.ID] = append(handed[v.ID], mods[i%len(mods)])
	}
	for id, who := range handed {
		v := c.caseView(t, c.procs[0], id)
		if len(who) != 1 || v.Assignee != who[0] || v.steps("claim") != 1 {
			t.Errorf("next handed case %s to %s; it is held by %s with %d claims in its history; want one moderator",
				id, c.nameAll(who), c.names[v.Assignee], v.steps("claim"))
		}
	}
	t.Logf("%d claim races and %d auto-assignment races of %d moderators, %d next calls on %d cases", perRace, perRace,
		len(c.agents), len(answers), len(handed))
}

func (c *cluster) nameAll(ids []string) string {
	var names []string
	for _, id := range ids {
		names = append(names, c.names[id])
	}
	return "[" + strings.Join(names, " ") + "]"
}

// login logs a console user in through one process and returns a client
// holding the session cookie (sent to every process: cookies ignore ports).
func (c *cluster) login(t *testing.T, s *proctest.Server, username string) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	cl := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := cl.PostForm(s.Base()+"/console/login", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/console/" {
		t.Fatalf("console login of %s through %s: %d at %s", username, s.Addr, resp.StatusCode, resp.Request.URL)
	}
	return cl
}

// consoleGet loads a console page and fails unless it is shown (not the
// login form).
func consoleGet(t *testing.T, cl *http.Client, s *proctest.Server, path string) string {
	t.Helper()
	status, body, err := proctest.Do(cl, http.MethodGet, s.Base()+path, "", nil, nil)
	if err != nil || status != http.StatusOK || strings.Contains(string(body), `type="password"`) {
		t.Fatalf("GET %s on %s: %d %v (or the login form)", path, s.Addr, status, err)
	}
	return string(body)
}

var (
	csrfField   = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	secretValue = regexp.MustCompile(`<code class="secret-value">([^<]+)</code>`)
)

// consolePost sends a console form with the session's CSRF token, read
// from the page at from on s.
func consolePost(t *testing.T, cl *http.Client, s *proctest.Server, from, path string, form url.Values) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(consoleGet(t, cl, s, from))
	if m == nil {
		t.Fatalf("no CSRF token on %s", from)
	}
	form.Set("csrf", m[1])
	resp, err := cl.PostForm(s.Base()+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s on %s: %d %v %s", path, s.Addr, resp.StatusCode, err, b)
	}
	return string(b)
}

// eventually polls cond on every process but the one named until it holds
// on each, within visibleWithin of the change, and returns how long the
// slowest took.
func (c *cluster) eventually(t *testing.T, changedOn int, what string, cond func(s *proctest.Server) (bool, string)) time.Duration {
	t.Helper()
	start := time.Now()
	var slowest time.Duration
	for i, s := range c.procs {
		if i == changedOn {
			continue
		}
		for {
			ok, got := cond(s)
			if ok {
				slowest = max(slowest, time.Since(start))
				break
			}
			if time.Since(start) > visibleWithin {
				t.Errorf("%s through process %d: process %d still answers %s after %s", what, changedOn+1, i+1, got, visibleWithin)
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	return slowest
}

// cachesInvalidate changes enforcement, API keys and the policy through
// one process after the others have cached what they knew, and proves the
// others answer with the change within visibleWithin.
func (c *cluster) cachesInvalidate(t *testing.T) {
	tier := func(s *proctest.Server, account string) (string, bool) {
		var caps struct {
			Tier    string `json:"tier"`
			CanList bool   `json:"can_list"`
		}
		c.must(t, s, http.MethodGet, "/v1/accounts/"+account+"/capabilities", nil, http.StatusOK, &caps)
		return caps.Tier, caps.CanList
	}
	// Every process answers (and caches) the account's standing first.
	for _, s := range c.procs {
		if got, can := tier(s, "cache-seller"); got != "clear" || !can {
			t.Fatalf("cache-seller starts %s (can list: %v) on %s", got, can, s.Addr)
		}
	}
	for i, want := range []string{"restricted", "suspended", "clear"} {
		on := i % processes
		c.must(t, c.proc(on), http.MethodPost, "/v1/accounts/cache-seller/tier", map[string]any{"moderator_id": c.seniors[0], "tier": want,
			"reason": "scale test step " + want}, http.StatusOK, nil)
		took := c.eventually(t, on, "the account "+want, func(s *proctest.Server) (bool, string) {
			got, can := tier(s, "cache-seller")
			return got == want && can == (want == "clear"), fmt.Sprintf("%s (can list: %v)", got, can)
		})
		t.Logf("tier %s set through process %d: in every other process's capabilities after %s", want, on+1, took.Round(time.Millisecond))
	}
	// A restriction also reaches the checks of the other processes.
	c.must(t, c.procs[0], http.MethodPost, "/v1/accounts/cache-seller/tier", map[string]any{"moderator_id": c.seniors[0], "tier": "restricted",
		"reason": "scale test: listing checks"}, http.StatusOK, nil)
	n := 0
	c.eventually(t, 0, "the restriction", func(s *proctest.Server) (bool, string) {
		n++
		var d struct {
			Outcome string `json:"outcome"`
		}
		c.must(t, s, http.MethodPost, "/v1/checks/listing", listing(fmt.Sprintf("cache-l%d", n), "cache-seller", "bikes",
			fmt.Sprintf("Gravel bike number %d", n)), http.StatusOK, &d)
		return d.Outcome == "rejected", "listing check " + d.Outcome
	})

	// API keys: a key created in the console of one process and used on
	// all is refused by all once revoked through another.
	admin := c.login(t, c.procs[1], "admin")
	page := consolePost(t, admin, c.procs[1], "/console/admin/keys", "/console/admin/keys", url.Values{"name": {"scale second"}})
	m := secretValue.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the console did not show the new key")
	}
	secret := m[1]
	var keyID string
	if err := c.db.R.QueryRow(`SELECT id FROM api_keys WHERE marketplace_id = $1 AND name = 'scale second'`, c.mp.ID).Scan(&keyID); err != nil {
		t.Fatal(err)
	}
	withKey := func(s *proctest.Server) int {
		status, _, err := proctest.Do(c.http, http.MethodGet, s.Base()+"/v1/marketplace", secret, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return status
	}
	for _, s := range c.procs {
		if got := withKey(s); got != http.StatusOK {
			t.Fatalf("the new key on %s: %d", s.Addr, got)
		}
	}
	consolePost(t, admin, c.procs[0], "/console/admin/keys", "/console/admin/keys/"+keyID+"/revoke", url.Values{})
	if got := withKey(c.procs[0]); got != http.StatusUnauthorized {
		t.Errorf("the revoked key on the process that revoked it: %d, want 401", got)
	}
	took := c.eventually(t, 0, "revoking the key", func(s *proctest.Server) (bool, string) {
		got := withKey(s)
		return got == http.StatusUnauthorized, fmt.Sprint(got)
	})
	t.Logf("key revoked through process 1: refused by every other process after %s", took.Round(time.Millisecond))

	// The policy: a category prohibited through one process is refused by
	// the checks of the others.
	for i, s := range c.procs {
		var d struct {
			Outcome string `json:"outcome"`
		}
		c.must(t, s, http.MethodPost, "/v1/checks/listing", listing(fmt.Sprintf("policy-before-%d", i), fmt.Sprintf("policy-seller-%d", i),
			"scale-contraband", fmt.Sprintf("Vintage radio set %d", i)), http.StatusOK, &d)
		if d.Outcome == "rejected" {
			t.Fatalf("listing rejected on %s before its category was prohibited", s.Addr)
		}
	}
	c.must(t, c.procs[2], http.MethodPut, "/v1/policy", map[string]any{"document": "listing:\n  prohibited_categories: [scale-contraband]\n"},
		http.StatusOK, nil)
	n = 0
	took = c.eventually(t, 2, "prohibiting a category", func(s *proctest.Server) (bool, string) {
		n++
		var d struct {
			Outcome string `json:"outcome"`
		}
		c.must(t, s, http.MethodPost, "/v1/checks/listing", listing(fmt.Sprintf("policy-after-%d", n), fmt.Sprintf("policy-seller-x%d", n),
			"scale-contraband", fmt.Sprintf("Shortwave receiver %d", n)), http.StatusOK, &d)
		return d.Outcome == "rejected", "listing check " + d.Outcome
	})
	t.Logf("policy saved through process 3: applied by every other process after %s", took.Round(time.Millisecond))
}

// listing is a listing check's body.
func listing(id, account, category, title string) map[string]any {
	return map[string]any{"listing_id": id, "account_id": account, "title": title, "category": category,
		"description": "In good condition, collection only. " + title, "price": map[string]any{"amount": 12000, "currency": "EUR"}}
}

// periodicKinds are the periodic jobs and how often the leader queues
// each.
var periodicKinds = map[string]time.Duration{
	"cases_sweep":       sweepEvery,
	"enforcement_sweep": sweepEvery,
	"appeals_sweep":     sweepEvery,
	"listing_freshness": 10 * sweepEvery,
	"risk_refresh":      5 * time.Second,
}

// periodicJob is a periodic job as River stored it.
type periodicJob struct {
	scheduled time.Time
	state     string
	by        string
}

// periodicJobs returns the periodic jobs of a kind, by scheduled time.
func (c *cluster) periodicJobs(t *testing.T, kind string) []periodicJob {
	var out []periodicJob
	proctest.Scan(t, c.db, `SELECT scheduled_at, state, COALESCE(array_to_string(attempted_by, ' '), '') FROM river_job
		WHERE kind = $1 ORDER BY scheduled_at`, []any{kind}, func(scan func(...any)) {
		var j periodicJob
		scan(&j.scheduled, &j.state, &j.by)
		out = append(out, j)
	})
	return out
}

// checkOnePerTick fails if two jobs of a kind were queued for one tick
// (one leader queues them interval apart; several would queue each tick
// once each) or if a job ran twice, unless the first run was on the
// killed process (its job is rescued and retried).
func (c *cluster) checkOnePerTick(t *testing.T, killed string) {
	t.Helper()
	ran := map[string]int{}
	for kind, every := range periodicKinds {
		jobs := c.periodicJobs(t, kind)
		if len(jobs) == 0 {
			t.Errorf("no %s job was ever queued", kind)
			continue
		}
		for i := 1; i < len(jobs); i++ {
			if gap := jobs[i].scheduled.Sub(jobs[i-1].scheduled); gap < every*9/10 {
				t.Errorf("%s queued twice for one tick: at %s and %s, %s apart (interval %s)", kind,
					jobs[i-1].scheduled.Format(time.StampMicro), jobs[i].scheduled.Format(time.StampMicro), gap, every)
			}
		}
		for _, j := range jobs {
			if by := strings.Fields(j.by); len(by) > 1 && (killed == "" || by[0] != killed) {
				t.Errorf("%s of %s ran %d times: %s", kind, j.scheduled.Format(time.StampMicro), len(by), j.by)
			}
			if j.by != "" {
				ran[strings.Fields(j.by)[0]]++
			}
		}
		span := jobs[len(jobs)-1].scheduled.Sub(jobs[0].scheduled)
		t.Logf("%s: %d jobs over %s (every %s)", kind, len(jobs), span.Round(time.Millisecond), every)
	}
	t.Logf("periodic jobs run per process (any worker may run what the leader queued): %v", c.perProcess(t, ran))
}

// leader waits until a River client other than not holds the
// leadership and returns its id.
func (c *cluster) leader(t *testing.T, not string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var id string
		err := c.db.R.QueryRow(`SELECT leader_id FROM river_leader WHERE expires_at > now()`).Scan(&id)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			t.Fatal(err)
		}
		if id != "" && id != not {
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new leader within %s (river_leader: %q)", within, id)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// periodicOnOneLeader proves that the periodic jobs are queued once per
// tick however many processes run, that what they do happens once (an
// expired claim is released once), and that when the leader is killed
// another process takes over within River's election interval.
func (c *cluster) periodicOnOneLeader(t *testing.T) {
	lead := c.leader(t, "", 10*time.Second)
	ids := c.clientIDs(t)
	li := slices.Index(ids, lead)
	if li < 0 {
		t.Fatalf("the leader %q is none of the processes' job clients %v", lead, ids)
	}
	t.Logf("process %d leads", li+1)
	// Let the leader queue every kind at least once, and a few ticks.
	deadline := time.Now().Add(20 * time.Second)
	for kind := range periodicKinds {
		for len(c.periodicJobs(t, kind)) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("no %s job queued %s after the processes started", kind, time.Since(c.up).Round(time.Second))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	time.Sleep(3 * sweepEvery)
	c.checkOnePerTick(t, "")

	// Claims expire after two seconds: each is released once, by one
	// sweep, although all three processes work the sweeps.
	c.must(t, c.procs[0], http.MethodPut, "/v1/policy", map[string]any{"document": "reports:\n  claim_timeout: 2s\n"}, http.StatusOK, nil)
	short := c.fileReports(t, "expire", targets("expire", 6))
	for i, f := range short {
		c.must(t, c.proc(i), http.MethodPost, "/v1/cases/"+f.CaseID+"/actions", map[string]any{"action": "claim", "moderator_id": c.agents[i]},
			http.StatusOK, nil)
	}
	c.waitReleased(t, short, 10*time.Second)

	// Kill the leader: another process is elected once its lease runs
	// out, and the periodic work goes on.
	killed := time.Now()
	c.procs[li].Kill()
	c.down[c.procs[li]] = true
	t.Logf("killed process %d, the leader", li+1)
	next := c.leader(t, lead, 40*time.Second)
	ni := slices.Index(ids, next)
	if ni < 0 || ni == li {
		t.Fatalf("the new leader %q is none of the surviving processes %v", next, ids)
	}
	elected := time.Since(killed)
	t.Logf("process %d elected %s after the kill", ni+1, elected.Round(time.Millisecond))
	// Sweeps queued by the new leader run on the survivors.
	for {
		var done int
		for _, j := range c.periodicJobs(t, "cases_sweep") {
			if j.scheduled.After(killed) && j.state == "completed" && j.by != lead {
				done++
			}
		}
		if done >= 3 {
			break
		}
		if time.Since(killed) > elected+15*time.Second {
			t.Fatalf("%d cases sweeps ran in the %s after the new leader was elected", done, time.Since(killed)-elected)
		}
		time.Sleep(100 * time.Millisecond)
	}
	after := c.fileReports(t, "failover", targets("failover", 4))
	for i, f := range after {
		c.must(t, c.proc(i), http.MethodPost, "/v1/cases/"+f.CaseID+"/actions", map[string]any{"action": "claim", "moderator_id": c.agents[i]},
			http.StatusOK, nil)
	}
	c.waitReleased(t, after, 10*time.Second)
	c.checkOnePerTick(t, lead)
}

// waitReleased waits until each case's claim was released by a sweep,
// then gives the sweeps the time to release it again, and checks each
// was released once.
func (c *cluster) waitReleased(t *testing.T, fs []filed, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for _, f := range fs {
		for {
			v := c.caseView(t, c.proc(0), f.CaseID)
			if v.steps("claim_expired") > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("case %s's claim expired at %s and was not released by %s", f.CaseID, v.ClaimUntil.Format(time.StampMilli),
					time.Now().Format(time.StampMilli))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	time.Sleep(2 * sweepEvery)
	for i, f := range fs {
		v := c.caseView(t, c.proc(i), f.CaseID)
		if n := v.steps("claim_expired"); n != 1 || v.Assignee != "" || v.Status != "pending" {
			t.Errorf("case %s: released %d times, now %s held by %q; want released once, pending", f.CaseID, n, v.Status, v.Assignee)
		}
	}
}
