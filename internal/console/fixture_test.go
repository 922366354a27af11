package console

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/jobs"
	"github.com/vigil-ts/vigil/internal/outbox"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/store/storetest"
	"github.com/vigil-ts/vigil/internal/svc"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
	"github.com/vigil-ts/vigil/internal/webhook"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// password is every test user's password.
const password = "correct horse battery"

// system is the actor of the fixture's own setup.
var system = audit.Actor{Type: audit.ActorSystem, ID: "test"}

// fixture is a console on a real HTTP port over a fresh SQLite database
// (or the one given to newFixtureOn), with two marketplaces: mp (where most
// tests work) and other (which marketplace-scoped users of mp must never
// see).
type fixture struct {
	db       *store.DB
	deps     svc.Deps
	users    *user.Service
	tenants  *tenant.Service
	outbox   *outbox.Service
	policies *check.Policies
	fraud    *fraud.Service
	// cases is the console's cases service and every check's and the
	// fraud service's Holder, so that held items open cases.
	cases *cases.Service
	// enforce is the ladder, wired to cases both ways as the app does:
	// case warnings and recommendations reach it, and its logistics
	// recommendations open cases.
	enforce *enforce.Service
	// appeals reviews appeals through the same ladder.
	appeals *appeal.Service
	mp      tenant.Created
	other   tenant.Created
	srv     *httptest.Server
	// ingest stores events with the fraud service's hook, so that ingested
	// events feed the accounts' signals.
	ingest *ingest.Service
	// fraudClock, once set (Unix nanoseconds), is the fraud service's
	// clock, so that a test can compute the same score as a page.
	fraudClock atomic.Int64
	// casesClock, once set, is the cases service's clock, so that a test
	// can file reports and close cases in the past.
	casesClock atomic.Int64
	// consoleClock, once set, is the console's own clock (Deps.Now), so
	// that a test can look at appeals' SLA countdowns hours later.
	consoleClock atomic.Int64
	// fresh skips creating the marketplaces, like a new install.
	fresh bool
}

// publicResolver answers every host name with a public address, so
// webhook URLs pass the SSRF guard without DNS; IP literals such as
// 127.0.0.1 are still checked (and refused).
type publicResolver struct{}

func (publicResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return []net.IPAddr{{IP: net.ParseIP("93.184.215.14")}}, nil
}

type option func(*fixture, *Deps)

// freshInstall starts with no marketplace at all.
func freshInstall(f *fixture, _ *Deps) { f.fresh = true }

// withoutOutbox runs the console with no webhook service.
func withoutOutbox(_ *fixture, d *Deps) { d.Outbox = nil }

// withSecureCookies runs the console as if behind HTTPS.
func withSecureCookies(_ *fixture, d *Deps) { d.SecureCookies = true }

func newFixture(t *testing.T, opts ...option) *fixture {
	t.Helper()
	return newFixtureOn(t, storetest.Open(t, store.SQLite), opts...)
}

// newFixtureOn is newFixture over a given fresh database, such as one of
// storetest.Each.
func newFixtureOn(t *testing.T, db *store.DB, opts ...option) *fixture {
	t.Helper()
	ctx := t.Context()
	log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	f := &fixture{db: db, deps: svc.New(db, log)}
	f.users, f.tenants = user.New(f.deps), tenant.New(f.deps)
	f.outbox = outbox.New(f.deps, webhook.Guard{Resolver: publicResolver{}}, time.Second)
	// An insert-only job client: tests check what is queued, not sent.
	queue, err := jobs.New(db, river.NewWorkers(), jobs.Config{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	f.outbox.Queue = queue
	if f.policies, err = check.NewPolicies(f.deps); err != nil {
		t.Fatal(err)
	}
	f.cases = cases.New(f.clocked(&f.casesClock), f.policies, f.outbox)
	f.fraud = fraud.New(f.clocked(&f.fraudClock), f.policies)
	f.fraud.Holder = f.cases
	f.enforce = enforce.New(f.deps, f.policies, f.outbox, 0)
	f.enforce.Holder, f.cases.Enforcer = f.cases, f.enforce
	f.appeals = appeal.New(f.deps, f.policies, f.outbox, f.enforce)
	f.ingest = ingest.New(f.deps)
	f.ingest.Hooks = []ingest.Hook{f.fraud.IngestHook, f.enforce.IngestHook}
	d := Deps{DB: db, Users: f.users, Tenants: f.tenants, Outbox: f.outbox, Policies: f.policies, Fraud: f.fraud, Cases: f.cases,
		Enforce: f.enforce, Appeals: f.appeals, Compliance: compliance.New(f.deps, f.appeals), Log: log, Now: f.clocked(&f.consoleClock).Now, Version: "v9.9.9-test"}
	for _, o := range opts {
		o(f, &d)
	}
	if !f.fresh {
		if f.mp, err = f.tenants.CreateMarketplace(ctx, system, "Bikes & Boards"); err != nil {
			t.Fatal(err)
		}
		if f.other, err = f.tenants.CreateMarketplace(ctx, system, "Cars Corner"); err != nil {
			t.Fatal(err)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/console/", New(d))
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// clocked returns the fixture's Deps with a clock that reads clock (Unix
// nanoseconds) once a test sets it, and the real time before.
func (f *fixture) clocked(clock *atomic.Int64) svc.Deps {
	d := f.deps
	d.Now = func() time.Time {
		if n := clock.Load(); n != 0 {
			return time.Unix(0, n).UTC()
		}
		return f.deps.Now()
	}
	return d
}

// checks returns a check service that finds what text finds in texts and
// opens a case for what it holds.
func (f *fixture) checks(text check.TextFactory) *check.Service {
	s := check.New(f.deps, f.policies, text, f.outbox)
	s.Holder = f.cases
	return s
}

// addUser creates a user with the test password; mp "" makes an operator.
func (f *fixture) addUser(t *testing.T, name string, role user.Role, mp string) store.User {
	t.Helper()
	u, err := f.users.Create(t.Context(), system, name, password, role, mp)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// client is a browser stand-in: it keeps cookies, does not follow
// redirects (so tests see them), and knows the session's CSRF token.
type client struct {
	t    *testing.T
	base string
	hc   *http.Client
	csrf string
}

// loggedIn adds a user and returns a client logged in as them.
func (f *fixture) loggedIn(t *testing.T, name string, role user.Role, mp string) *client {
	t.Helper()
	f.addUser(t, name, role, mp)
	c := f.client(t)
	c.login(name)
	return c
}

func (f *fixture) client(t *testing.T) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: f.srv.URL, hc: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is an answer with its body read.
type response struct {
	*http.Response
	body string
}

// do sends a request; form, when not nil, is the urlencoded body.
func (c *client) do(method, path string, form url.Values, header http.Header) response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{Response: resp, body: string(b)}
}

func (c *client) get(path string) response { return c.do(http.MethodGet, path, nil, nil) }

// post sends a form with the session's CSRF token, as the console's own
// forms do.
func (c *client) post(path string, form url.Values) response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", c.csrf)
	return c.do(http.MethodPost, path, form, nil)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// login logs in through the form and picks up the CSRF token from the
// dashboard, failing the test if either does not work.
func (c *client) login(username string) {
	c.t.Helper()
	r := c.do(http.MethodPost, "/console/login", url.Values{"username": {username}, "password": {password}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d, want 303\n%s", username, r.StatusCode, r.body)
	}
	page := c.get("/console/")
	m := csrfField.FindStringSubmatch(page.body)
	if m == nil {
		c.t.Fatalf("no CSRF token on the dashboard:\n%s", page.body)
	}
	c.csrf = html.UnescapeString(m[1])
}

// want fails the test unless the response has status and its text (with
// HTML entities decoded) contains every one of texts.
func (r response) want(t *testing.T, status int, texts ...string) response {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	text := html.UnescapeString(r.body)
	for _, s := range texts {
		if !strings.Contains(text, s) {
			t.Errorf("%s %s: page lacks %q\n%s", r.Request.Method, r.Request.URL.Path, s, r.body)
		}
	}
	return r
}

// lacks fails the test if the response's text contains any of texts.
func (r response) lacks(t *testing.T, texts ...string) response {
	t.Helper()
	text := html.UnescapeString(r.body)
	for _, s := range texts {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s %s: page shows %q, which it must not\n%s", r.Request.Method, r.Request.URL.Path, s, r.body)
		}
	}
	return r
}

// redirectsTo fails the test unless the response is a 303 to location.
func (r response) redirectsTo(t *testing.T, location string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != location {
		t.Fatalf("%s %s: status %d to %q, want 303 to %q", r.Request.Method, r.Request.URL, r.StatusCode, r.Header.Get("Location"), location)
	}
}

// cookie returns the Set-Cookie of the response named name.
func (r response) cookie(name string) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}
