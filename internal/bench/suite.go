package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/app"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// Env is the running server a suite measures and the marketplace it
// works in.
type Env struct {
	App           *app.App
	Server        Server
	MarketplaceID string
	// Run prefixes the ids this run's requests create, so that runs on
	// one database neither join each other's cases nor count against
	// each other's rate limits.
	Run string

	console *Server // the moderator's session, once logged in
	top     []cases.Item
}

// Work is a prepared benchmark: its requests and how they authenticate.
type Work struct {
	Server   Server
	Requests []Request
}

// Benchmark is one benchmark of the suite.
type Benchmark struct {
	Name string
	// What it measures, in words.
	What string
	// Clients and Requests are its defaults; Items counts the items in
	// each request (events in a batch).
	Clients, Requests, Items int
	// Volume marks a benchmark that means something only on a data set
	// (the queue, the console, memory).
	Volume bool
	// Prepare readies the marketplace and builds n requests.
	Prepare func(ctx context.Context, env *Env, n int) (Work, error)
	// Measure, when set, replaces the HTTP load.
	Measure func(ctx context.Context, env *Env) (Result, error)
}

// consolePages are the console pages the suite times, by name and path;
// {case}, {account} and {listing} stand for items at the top of the queue.
func consolePages() [][2]string {
	return [][2]string{{"dashboard", "/console/"}, {"queue", "/console/cases"}, {"case", "/console/cases/{case}"},
		{"account", "/console/accounts/{account}"}, {"listing", "/console/listings/{listing}"}, {"appeals", "/console/appeals"},
		{"transparency", "/console/transparency"}}
}

// Benchmarks are the suite in the order it runs: memory first, while the
// near-duplicate index is cold; then what reads (the queue and the
// console) before what writes.
func Benchmarks() []Benchmark {
	out := []Benchmark{
		{Name: "memory", What: "resident memory once the data set is loaded and the first listing check has built the near-duplicate indexes",
			Volume: true, Clients: 1, Requests: 1, Measure: measureMemory},
		{Name: "queue", What: "GET /v1/cases, the queue's top page (50 cases, highest priority first)", Volume: true, Clients: 4, Requests: 2000, Items: 1,
			Prepare: func(_ context.Context, env *Env, n int) (Work, error) {
				return Work{Server: env.Server, Requests: repeat(Request{Path: "/v1/cases"}, n)}, nil
			}},
	}
	for _, p := range consolePages() {
		out = append(out, Benchmark{Name: "console " + p[0], What: "console page " + p[1] + " as a logged-in senior moderator, full page read",
			Volume: true, Clients: 2, Requests: 200, Items: 1, Prepare: func(ctx context.Context, env *Env, n int) (Work, error) { return consolePage(ctx, env, p[1], n) }})
	}
	return append(out,
		Benchmark{Name: "capabilities", What: "GET /v1/accounts/{id}/capabilities over 10,000 accounts, a tenth of them enforced on, cache warm",
			Clients: 8, Requests: 20000, Items: 1, Prepare: prepareCapabilities},
		Benchmark{Name: "checks", What: "POST /v1/checks/listing, each decided and stored durably with its evidence", Clients: 8, Requests: 3000, Items: 1,
			Prepare: func(_ context.Context, env *Env, n int) (Work, error) {
				return Work{Server: env.Server, Requests: Posts("/v1/checks/listing", each(n, func(i int) []byte { return listingBody(env.Run+"-bl", i) }))}, nil
			}},
		Benchmark{Name: "reports", What: "POST /v1/reports, each stored with its case, priority, history and audit entry before the 201",
			Clients: 8, Requests: 3000, Items: 1, Prepare: func(_ context.Context, env *Env, n int) (Work, error) {
				reporters := max(n/10, 997)
				return Work{Server: env.Server, Requests: Posts("/v1/reports", each(n, func(i int) []byte { return reportBody(env.Run+"-", i, reporters) }))}, nil
			}},
		Ingest(500),
	)
}

// Ingest is the ingestion benchmark with batches of batch events.
func Ingest(batch int) Benchmark {
	return Benchmark{Name: "ingest", What: fmt.Sprintf("POST /v1/events, batches of %d events stored in one transaction each", batch),
		Clients: 4, Requests: max(1, 20000/batch), Items: batch,
		Prepare: func(_ context.Context, env *Env, n int) (Work, error) {
			return Work{Server: env.Server, Requests: Posts("/v1/events", IngestBodies(env.Run, n*batch, batch, time.Now().Add(-time.Hour)))}, nil
		}}
}

// Select returns the benchmarks named, in the suite's order; an unknown
// name is an error.
func Select(names ...string) ([]Benchmark, error) {
	all := Benchmarks()
	var out []Benchmark
	for _, n := range names {
		i := slices.IndexFunc(all, func(b Benchmark) bool {
			return b.Name == n || (n == "console" && strings.HasPrefix(b.Name, "console "))
		})
		if i < 0 {
			return nil, fmt.Errorf("no benchmark %q", n)
		}
	}
	for _, b := range all {
		for _, n := range names {
			if b.Name == n || (n == "console" && strings.HasPrefix(b.Name, "console ")) {
				out = append(out, b)
				break
			}
		}
	}
	return out, nil
}

func repeat(r Request, n int) []Request {
	out := make([]Request, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// Options tune a run of the suite.
type Options struct {
	// Requests and Clients, when positive, replace every benchmark's own.
	Requests, Clients int
	// Baseline is how many requests each no-op baseline sends (default
	// 5,000).
	Baseline int
	// Profile receives a CPU profile of the measured requests, baselines
	// and preparation left out.
	Profile io.Writer
	// Progress shows progress bars; Say what runs.
	Progress, Say io.Writer
}

// Run prepares every benchmark, measures the no-op handler once per
// number of clients the benchmarks use, then measures each benchmark and
// judges it against Targets. A benchmark's failed requests are in its
// result (and fail its targets); an error is returned only when one cannot
// run at all.
func Run(ctx context.Context, env *Env, bs []Benchmark, o Options) (*Report, error) {
	if o.Baseline <= 0 {
		o.Baseline = 5000
	}
	say := func(format string, args ...any) {
		if o.Say != nil {
			fmt.Fprintf(o.Say, format+"\n", args...)
		}
	}
	clientsOf := func(b Benchmark) int {
		if o.Clients > 0 && b.Measure == nil {
			return o.Clients
		}
		return b.Clients
	}
	works := make([]Work, len(bs))
	for i, b := range bs {
		if b.Prepare == nil {
			continue
		}
		n := b.Requests
		if o.Requests > 0 {
			n = o.Requests
		}
		say("preparing %s", b.Name)
		w, err := b.Prepare(ctx, env, n)
		if err != nil {
			return nil, fmt.Errorf("prepare %s: %w", b.Name, err)
		}
		works[i] = w
	}
	r := &Report{Dialect: string(env.App.DB.Dialect), Machine: ThisMachine(time.Now())}
	for _, b := range bs {
		c := clientsOf(b)
		if b.Measure != nil || r.Baseline(c).Clients == c {
			continue
		}
		name := fmt.Sprintf("no-op JSON handler ×%d", c)
		p := NewProgress(o.Progress, name, o.Baseline)
		base := Load(ctx, env.Server, name, baselineRequests(o.Baseline), 1, c, p.Step)
		if base.Errors > 0 {
			return nil, fmt.Errorf("baseline: %d requests failed, first: %s", base.Errors, base.FirstError)
		}
		r.Baselines = append(r.Baselines, base)
	}
	if o.Profile != nil {
		if err := pprof.StartCPUProfile(o.Profile); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	for i, b := range bs {
		say("%s: %s", b.Name, b.What)
		var res Result
		if b.Measure != nil {
			var err error
			if res, err = b.Measure(ctx, env); err != nil {
				return nil, fmt.Errorf("%s: %w", b.Name, err)
			}
			res.Name = b.Name
		} else {
			p := NewProgress(o.Progress, b.Name, len(works[i].Requests))
			res = Load(ctx, works[i].Server, b.Name, works[i].Requests, max(b.Items, 1), clientsOf(b), p.Step)
		}
		r.Results = append(r.Results, res)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	r.PeakRSSBytes = procStatus("VmHWM")
	r.Judge(Targets())
	return r, nil
}

// baselineRequests are the no-op's: n posts of a listing check's body, the
// size of most of the API's requests.
func baselineRequests(n int) []Request {
	body := ListingBody(0)
	return repeat(Request{Path: "/bench/noop", Body: body}, n)
}

// measureMemory sends the first listing check, which loads every listing
// of the marketplace into the near-duplicate and price indexes, and reads
// the process's resident set: the server runs in this process.
func measureMemory(ctx context.Context, env *Env) (Result, error) {
	client := env.Server.client(1)
	// The first check builds the marketplace's indexes from every
	// listing: minutes with a million.
	client.Timeout = 30 * time.Minute
	start := time.Now()
	if err := send(ctx, client, env.Server, Request{Path: "/v1/checks/listing", Body: listingBody(env.Run+"-memory", 0)}); err != nil {
		return Result{}, err
	}
	el := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Result{Clients: 1, Requests: 1, Items: 1, Elapsed: el, P50: el, P99: el, RSSBytes: procStatus("VmRSS"), PeakRSSBytes: procStatus("VmHWM"),
		HeapBytes: ms.HeapInuse}, nil
}

// procStatus reads a size field of /proc/self/status in bytes; 0 where
// the system has none.
func procStatus(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				return 0
			}
			kb, _ := strconv.ParseUint(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// prepareCapabilities enforces on a tenth of 10,000 accounts (a tier and
// a sanction each; fewer for fewer than 10,000 requests) and warms the
// cache as a running deployment's would be.
func prepareCapabilities(ctx context.Context, env *Env, n int) (Work, error) {
	accounts := min(10_000, max(100, n))
	a, mp := env.App, env.MarketplaceID
	acc := func(i int) string { return fmt.Sprintf("cap-%s-%d", env.Run, i) }
	by := enforce.Person(store.User{ID: "bench", Role: "admin"}, audit.Actor{Type: audit.ActorSystem, ID: "bench"})
	for i := 0; i < accounts; i += 10 {
		if _, err := a.Enforce.SetTier(ctx, mp, by, acc(i), enforce.Restricted, enforce.Decision{Template: "counterfeit"}); err != nil {
			return Work{}, err
		}
		if _, err := a.Enforce.Impose(ctx, mp, by, acc(i), enforce.SanctionRequest{Kind: enforce.EarlyPayoutLoss, Duration: "7d",
			Decision: enforce.Decision{Template: "fulfilment"}}); err != nil {
			return Work{}, err
		}
	}
	for i := range accounts {
		if _, err := a.Enforce.Capabilities(ctx, mp, acc(i)); err != nil {
			return Work{}, err
		}
	}
	out := make([]Request, n)
	for i := range out {
		out[i] = Request{Path: "/v1/accounts/" + acc((i*7919)%accounts) + "/capabilities"}
	}
	return Work{Server: env.Server, Requests: out}, nil
}

// consolePage builds n requests of a console page, items at the top of
// the queue standing in for {case}, {account} and {listing}.
func consolePage(ctx context.Context, env *Env, path string, n int) (Work, error) {
	srv, err := env.session(ctx)
	if err != nil {
		return Work{}, err
	}
	if env.top == nil {
		page, err := env.App.Cases.List(ctx, env.MarketplaceID, cases.ListQuery{Limit: 50})
		if err != nil {
			return Work{}, err
		}
		env.top = page.Items
	}
	var ids []string
	for _, it := range env.top {
		switch {
		case strings.Contains(path, "{case}"):
			ids = append(ids, it.ID)
		case strings.Contains(path, "{account}") && it.AccountID != "":
			ids = append(ids, it.AccountID)
		case strings.Contains(path, "{listing}") && it.Target.Type == "listing":
			ids = append(ids, it.Target.ID)
		}
	}
	out := make([]Request, n)
	for i := range out {
		p := path
		if strings.Contains(p, "{") {
			if len(ids) == 0 {
				return Work{}, fmt.Errorf("%s needs open cases to pick from: run it on a data set (vigil bench generate, --data)", path)
			}
			id := url.PathEscape(ids[i%len(ids)])
			p = strings.NewReplacer("{case}", id, "{account}", id, "{listing}", id).Replace(p)
		}
		out[i] = Request{Path: p}
	}
	return Work{Server: *srv, Requests: out}, nil
}

// session logs a senior moderator of the marketplace into the console,
// once per run.
func (env *Env) session(ctx context.Context) (*Server, error) {
	if env.console != nil {
		return env.console, nil
	}
	var pw [12]byte
	rand.Read(pw[:])
	password, name := hex.EncodeToString(pw[:]), "bench-moderator-"+env.Run
	if _, err := env.App.Users.Create(ctx, audit.Actor{Type: audit.ActorSystem, ID: "bench"}, name, password, user.SeniorModerator,
		env.MarketplaceID); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"username": {name}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.Server.Base+"/console/login", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("console login: %s", resp.Status)
	}
	env.console = &Server{Base: env.Server.Base, Jar: jar}
	return env.console, nil
}

// Describe counts the data set the marketplace holds.
func Describe(ctx context.Context, db *store.DB, marketplaceID string) (DataSet, error) {
	n, err := db.Counts(ctx, marketplaceID)
	if err != nil {
		return DataSet{}, err
	}
	q, err := db.QueueStats(ctx, marketplaceID, time.Now())
	if err != nil {
		return DataSet{}, err
	}
	return DataSet{Listings: n.Listings, Accounts: n.Accounts, Events: n.Events, OpenCases: q.Open}, nil
}
