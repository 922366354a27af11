package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

func TestLoginWrongPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "alice", user.Admin, "")
	c := f.client(t)
	for _, name := range []string{"alice", "nobody"} {
		r := c.do(http.MethodPost, "/console/login", url.Values{"username": {name}, "password": {"not-the-password"}}, nil)
		r.want(t, http.StatusUnauthorized, "Wrong username or password.", `value="`+name+`"`).
			lacks(t, "not-the-password", "argon2id")
		if ck := r.cookie(sessionCookie); ck != nil {
			t.Errorf("failed login set a session cookie: %v", ck)
		}
	}
	// Still logged out.
	c.get("/console/").redirectsTo(t, "/console/login")
}

// TestLoginLockout: the fifth wrong password in a row locks the username
// out: the form says for how long, with 429 and Retry-After, and even the
// right password waits.
func TestLoginLockout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "alice", user.Admin, "")
	c := f.client(t)
	wrong := url.Values{"username": {"alice"}, "password": {"not-the-password"}}
	for range user.FreeAttempts - 1 {
		c.do(http.MethodPost, "/console/login", wrong, nil).want(t, http.StatusUnauthorized, "Wrong username or password.")
	}
	r := c.do(http.MethodPost, "/console/login", wrong, nil).want(t, http.StatusTooManyRequests, "Too many failed attempts", "Try again in 1m0s.")
	if ra := r.Header.Get("Retry-After"); ra != "60" {
		t.Errorf("Retry-After = %q, want 60", ra)
	}
	c.do(http.MethodPost, "/console/login", url.Values{"username": {"alice"}, "password": {password}}, nil).
		want(t, http.StatusTooManyRequests, "Too many failed attempts")
	c.get("/console/").redirectsTo(t, "/console/login")
}

func TestLoginShowsDashboard(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "alice", user.Agent, f.mp.Marketplace.ID)
	now := time.Now().UTC()
	batch := []event.Envelope{
		{ID: "e1", Type: "account.upserted", OccurredAt: now.Add(-2 * time.Minute), Data: json.RawMessage(`{"account_id":"acc-1","kind":"private"}`)},
		{ID: "e2", Type: "account.upserted", OccurredAt: now.Add(-time.Minute), Data: json.RawMessage(`{"account_id":"acc-2","kind":"business"}`)},
		{ID: "e3", Type: "listing.upserted", OccurredAt: now, Data: json.RawMessage(`{"listing_id":"lst-1","account_id":"acc-2",
			"title":"Road bike","description":"Steel frame, 56 cm","price":{"amount":45000,"currency":"EUR"},"category":"bikes"}`)},
	}
	res, err := ingest.New(f.deps).Ingest(t.Context(), f.mp.Marketplace.ID, audit.Actor{Type: audit.ActorAPIKey, ID: f.mp.Key.ID}, batch, true)
	if err != nil || res.Accepted != 3 {
		t.Fatalf("seeding events: %+v, %v", res, err)
	}

	c := f.client(t)
	r := c.do(http.MethodPost, "/console/login", url.Values{"username": {"alice"}, "password": {password}}, nil)
	r.redirectsTo(t, "/console/")
	ck := r.cookie(sessionCookie)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/console/" || ck.Secure ||
		ck.MaxAge != int(user.SessionTTL/time.Second) {
		t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, Path=/console/, Max-Age=%d", ck, int(user.SessionTTL/time.Second))
	}

	page := c.get("/console/").want(t, http.StatusOK, "<h1>Dashboard</h1>", "Bikes & Boards", "alice", "Agent",
		"v9.9.9-test", "Accounts</dt><dd>2</dd>", "Listings</dt><dd>1</dd>", "Events</dt><dd>3</dd>",
		"listing.upserted", "lst-1", "user.login", "api_key.created", `hx-headers="`)
	page.lacks(t, "Cars Corner", `href="/console/admin/keys"`)
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
}

func TestSecureCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withSecureCookies)
	f.addUser(t, "alice", user.Admin, "")
	r := f.client(t).do(http.MethodPost, "/console/login", url.Values{"username": {"alice"}, "password": {password}}, nil)
	ck := r.cookie(secureSessionCookie)
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.Path != "/" || ck.Domain != "" {
		t.Fatalf("session cookie = %+v, want __Host-vigil_session, Secure, HttpOnly, Path=/", ck)
	}
}

func TestLoginRequired(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	c.get("/console/audit?before=7").redirectsTo(t, "/console/login?next=%2Fconsole%2Faudit%3Fbefore%3D7")
	c.get("/console/").redirectsTo(t, "/console/login")

	// htmx requests and posts are answered 401, not redirected.
	r := c.do(http.MethodGet, "/console/audit", nil, http.Header{"Hx-Request": {"true"}}).want(t, http.StatusUnauthorized, "session has ended")
	if got := r.Header.Get("HX-Redirect"); got != "/console/login" {
		t.Errorf("HX-Redirect = %q", got)
	}
	c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {"x"}}, nil).want(t, http.StatusUnauthorized)
	c.get("/console/login").want(t, http.StatusOK, `name="username"`, `type="password"`)
}

func TestLoginNext(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "alice", user.Admin, "")
	for next, want := range map[string]string{
		"/console/audit?before=3":    "/console/audit?before=3",
		"//evil.example":             "/console/",
		"https://evil.example/":      "/console/",
		"/console/\\evil.example":    "/console/",
		"/\\evil.example/console/":   "/console/",
		"javascript:alert(1)":        "/console/",
		"/consolex/../evil":          "/console/",
		"/console//evil.example/x":   "/console/evil.example/x", // a path on our host, cleaned
		"":                           "/console/",
		"/console/login?next=%2F%2F": "/console/login?next=%2F%2F",
	} {
		r := f.client(t).do(http.MethodPost, "/console/login", url.Values{"username": {"alice"}, "password": {password}, "next": {next}}, nil)
		if loc := r.Header.Get("Location"); loc != want {
			t.Errorf("next=%q: redirected to %q, want %q", next, loc, want)
		}
	}
	// The form carries next through, and a logged-in user is sent on.
	c := f.client(t)
	c.get("/console/login?next="+url.QueryEscape("//evil.example")).want(t, http.StatusOK, `name="next" value="/console/"`)
	c.login("alice")
	c.get("/console/login?next="+url.QueryEscape("/console/audit")).redirectsTo(t, "/console/audit")
}

func TestCSRFTokenRequired(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "admin", user.Admin, "")
	mp := f.mp.Marketplace.ID
	for name, header := range map[string]http.Header{
		"no token":    nil,
		"wrong token": {"X-Csrf-Token": {c.csrf + "x"}},
	} {
		c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {name}, "mp": {mp}}, header).
			want(t, http.StatusForbidden, "Request refused", "Reload the page")
	}
	c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {"wrong field"}, "mp": {mp}, "csrf": {"guess"}}, nil).
		want(t, http.StatusForbidden)
	if keys := apiKeys(t, f, mp); len(keys) != 1 {
		t.Fatalf("keys after refused posts = %d, want only the first one", len(keys))
	}
	// The header is how htmx sends it.
	c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {"via header"}, "mp": {mp}},
		http.Header{"X-Csrf-Token": {c.csrf}, "Hx-Request": {"true"}}).want(t, http.StatusOK, "via header")
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "admin", user.Admin, "")
	mp := f.mp.Marketplace.ID
	for name, header := range map[string]http.Header{
		"sec-fetch-site": {"Sec-Fetch-Site": {"cross-site"}},
		"origin":         {"Origin": {"https://evil.example"}},
	} {
		c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {name}, "mp": {mp}, "csrf": {c.csrf}}, header).
			want(t, http.StatusForbidden, "sent from another site")
		r := f.client(t).do(http.MethodPost, "/console/login", url.Values{"username": {"admin"}, "password": {password}}, header)
		r.want(t, http.StatusForbidden)
		if r.cookie(sessionCookie) != nil {
			t.Errorf("%s: cross-origin login set a session", name)
		}
	}
	if keys := apiKeys(t, f, mp); len(keys) != 1 {
		t.Fatalf("keys after cross-origin posts = %d, want 1", len(keys))
	}
	// Same-origin requests from a browser pass.
	c.do(http.MethodPost, "/console/admin/keys", url.Values{"name": {"same origin"}, "mp": {mp}, "csrf": {c.csrf}},
		http.Header{"Sec-Fetch-Site": {"same-origin"}}).want(t, http.StatusOK)
}

func TestRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "agent", user.Agent, "")
	f.addUser(t, "mpadmin", user.Admin, f.mp.Marketplace.ID)
	agent := f.client(t)
	agent.login("agent")
	for _, path := range []string{"/console/admin/marketplaces", "/console/admin/keys", "/console/admin/webhooks", "/console/admin/users"} {
		agent.get(path).want(t, http.StatusForbidden, "Not allowed", "Your role does not give access").lacks(t, f.mp.Key.Prefix)
	}
	agent.post("/console/admin/users", url.Values{"username": {"sneaky"}, "password": {password}, "role": {"admin"}}).
		want(t, http.StatusForbidden)
	if _, err := f.db.UserByName(t.Context(), "sneaky"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("agent created a user: %v", err)
	}
	agent.get("/console/").want(t, http.StatusOK, "Audit log").lacks(t, "API keys", "Webhooks")

	// A marketplace's own admin manages it, but not the list of marketplaces.
	admin := f.client(t)
	admin.login("mpadmin")
	admin.get("/console/admin/marketplaces").want(t, http.StatusForbidden)
	admin.get("/console/admin/keys").want(t, http.StatusOK, f.mp.Key.Prefix).lacks(t, "Cars Corner", "Marketplaces</a>")
}

func TestMarketplaceScoping(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "scoped", user.Admin, f.mp.Marketplace.ID)
	f.addUser(t, "op", user.Agent, "")
	other := f.other.Marketplace
	secretOfOther := []string{other.Name, other.ID, f.other.Key.Prefix, f.other.Key.ID}

	c := f.client(t)
	c.login("scoped")
	c.get("/console/").want(t, http.StatusOK, "Bikes & Boards").lacks(t, append(secretOfOther, "mp-switch")...)
	for _, path := range []string{"/console/?mp=", "/console/audit?mp=", "/console/admin/keys?mp=", "/console/admin/webhooks?mp=", "/console/admin/users?mp="} {
		c.get(path+other.ID).want(t, http.StatusNotFound, "Not found").lacks(t, secretOfOther...)
	}
	c.get("/console/audit?chain=system").want(t, http.StatusNotFound).lacks(t, secretOfOther...)
	// Acting on the other marketplace's key, even naming it, changes nothing.
	c.post("/console/admin/keys/"+f.other.Key.ID+"/revoke", url.Values{"mp": {other.ID}}).want(t, http.StatusNotFound)
	c.post("/console/admin/keys/"+f.other.Key.ID+"/revoke", nil).want(t, http.StatusNotFound)
	if k := apiKeys(t, f, other.ID); !k[0].RevokedAt.IsZero() {
		t.Fatal("a marketplace admin revoked another marketplace's key")
	}
	// Even a cookie naming the other marketplace is ignored.
	u, _ := url.Parse(f.srv.URL + "/console/")
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: marketplaceCookie, Value: other.ID, Path: "/console/"}})
	c.get("/console/").want(t, http.StatusOK, "Bikes & Boards").lacks(t, secretOfOther...)

	// Operators switch, and the choice is remembered.
	op := f.client(t)
	op.login("op")
	op.get("/console/").want(t, http.StatusOK, `id="mp-switch"`, "Bikes & Boards", "Cars Corner")
	r := op.get("/console/?mp="+other.ID).want(t, http.StatusOK, `<p class="lede">Cars Corner`)
	if ck := r.cookie(marketplaceCookie); ck == nil || ck.Value != other.ID || !ck.HttpOnly {
		t.Errorf("marketplace cookie = %+v", ck)
	}
	op.get("/console/audit").want(t, http.StatusOK, "Every change in Cars Corner")
	op.get("/console/?mp=no-such-marketplace").want(t, http.StatusNotFound)
}

func TestCreateMarketplaceShowsKeyOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "root", user.Admin, "")
	c.get("/console/admin/marketplaces").want(t, http.StatusOK, "Bikes & Boards", "Cars Corner", "Create a marketplace")

	r := c.post("/console/admin/marketplaces", url.Values{"name": {"Toys <Galore>"}}).
		want(t, http.StatusOK, "Copy it now: it will not be shown again", "Toys <Galore>")
	if strings.Contains(r.body, "<Galore>") {
		t.Error("marketplace name not escaped")
	}
	key := regexp.MustCompile(tenant.KeyPrefix + `[0-9a-f]{48}`).FindString(r.body)
	if key == "" {
		t.Fatalf("no API key on the result page:\n%s", r.body)
	}
	k, err := f.tenants.Authenticate(t.Context(), key)
	if err != nil {
		t.Fatalf("the key shown does not work: %v", err)
	}
	keys := c.get("/console/admin/keys?mp="+k.MarketplaceID).want(t, http.StatusOK, k.Prefix+"…", "default")
	keys.lacks(t, key, k.Hash, "Copy it now")
	c.get("/console/admin/marketplaces").lacks(t, key, "Copy it now")

	c.post("/console/admin/marketplaces", url.Values{"name": {"toys galore"}}).
		want(t, http.StatusUnprocessableEntity, "A marketplace with that name already exists.", `value="toys galore"`)
	c.post("/console/admin/marketplaces", url.Values{"name": {"  "}}).
		want(t, http.StatusUnprocessableEntity, "A marketplace name needs letters or digits")
	if ms, _ := f.db.Marketplaces(t.Context()); len(ms) != 3 {
		t.Errorf("marketplaces = %d, want 3", len(ms))
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "root", user.Admin, f.mp.Marketplace.ID)
	r := c.post("/console/admin/keys", url.Values{"name": {"backend"}}).want(t, http.StatusOK, "Copy it now", "API key backend")
	secret := regexp.MustCompile(tenant.KeyPrefix + `[0-9a-f]{48}`).FindString(r.body)
	k, err := f.tenants.Authenticate(t.Context(), secret)
	if err != nil || k.Name != "backend" {
		t.Fatalf("created key %q: %+v, %v", secret, k, err)
	}
	c.get("/console/admin/keys").want(t, http.StatusOK, k.Prefix+"…").lacks(t, secret, k.Hash, f.mp.Key.Hash)
	c.post("/console/admin/keys", url.Values{"name": {""}}).want(t, http.StatusUnprocessableEntity, "A key name of 1 to 100 characters is required.")

	c.post("/console/admin/keys/"+k.ID+"/revoke", nil).
		redirectsTo(t, "/console/admin/keys?done=key-revoked&mp="+f.mp.Marketplace.ID)
	if _, err := f.tenants.Authenticate(t.Context(), secret); !errors.Is(err, tenant.ErrRevokedKey) {
		t.Fatalf("after revoke: %v, want ErrRevokedKey", err)
	}
	c.get("/console/admin/keys?done=key-revoked").want(t, http.StatusOK, "The key was revoked", "revoked")
	// Revoking twice finds nothing to revoke.
	c.post("/console/admin/keys/"+k.ID+"/revoke", nil).want(t, http.StatusNotFound)
	entries, err := f.db.AuditEntries(t.Context(), store.AuditQuery{Chain: f.mp.Marketplace.ID, Newest: true, Limit: 1})
	if err != nil || entries[0].Action != "api_key.revoked" || entries[0].ActorType != audit.ActorUser {
		t.Fatalf("audit = %+v, %v", entries, err)
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "root", user.Admin, "")
	f.addUser(t, "mpadmin", user.Admin, f.mp.Marketplace.ID)
	c := f.client(t)
	c.login("root")
	form := func(name, pw, role, mp string) url.Values {
		return url.Values{"username": {name}, "password": {pw}, "role": {role}, "marketplace_id": {mp}}
	}
	c.post("/console/admin/users", form("bob", "short", "agent", "")).
		want(t, http.StatusUnprocessableEntity, "The password needs at least 10 characters.", `value="bob"`).
		lacks(t, `value="short"`)
	c.post("/console/admin/users", form("bob", password, "overlord", "")).want(t, http.StatusUnprocessableEntity, "Unknown role")
	c.post("/console/admin/users", form("bob", password, "agent", "no-such-mp")).want(t, http.StatusUnprocessableEntity, "Choose a marketplace from the list.")
	if _, err := f.db.UserByName(t.Context(), "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("invalid forms created a user: %v", err)
	}

	c.post("/console/admin/users", form("bob", password, "senior_moderator", f.other.Marketplace.ID)).
		want(t, http.StatusOK, "<strong>bob</strong> was created as Senior moderator in Cars Corner")
	c.post("/console/admin/users", form("bob", password, "agent", "")).want(t, http.StatusUnprocessableEntity, "That username is taken.")
	bob, err := f.db.UserByName(t.Context(), "bob")
	if err != nil || bob.MarketplaceID != f.other.Marketplace.ID || bob.Role != "senior_moderator" {
		t.Fatalf("bob = %+v, %v", bob, err)
	}

	// The list never shows password hashes.
	all, _ := f.db.Users(t.Context())
	page := c.get("/console/admin/users").want(t, http.StatusOK, "bob", "mpadmin", "All marketplaces")
	for _, u := range all {
		page.lacks(t, u.PasswordHash, "$argon2id$")
	}

	// A marketplace admin sees and creates users of their marketplace only.
	m := f.client(t)
	m.login("mpadmin")
	m.get("/console/admin/users").want(t, http.StatusOK, "mpadmin").lacks(t, "bob", "root", `name="marketplace_id"`)
	m.post("/console/admin/users", form("carol", password, "agent", f.other.Marketplace.ID)).want(t, http.StatusOK)
	if carol, err := f.db.UserByName(t.Context(), "carol"); err != nil || carol.MarketplaceID != f.mp.Marketplace.ID {
		t.Fatalf("carol = %+v, %v; want a user of the admin's own marketplace", carol, err)
	}
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "root", user.Admin, f.mp.Marketplace.ID)
	c.get("/console/admin/webhooks").want(t, http.StatusOK, "No subscriptions yet", "Add a subscription")

	c.post("/console/admin/webhooks", url.Values{"url": {"http://127.0.0.1:9/hook"}, "event_types": {"case.resolved"}}).
		want(t, http.StatusUnprocessableEntity, "Forbidden webhook target", "loopback", `value="http://127.0.0.1:9/hook"`, `value="case.resolved"`)
	if subs, _ := f.db.WebhookSubscriptions(t.Context(), f.mp.Marketplace.ID); len(subs) != 0 {
		t.Fatalf("refused URL was subscribed: %+v", subs)
	}

	r := c.post("/console/admin/webhooks", url.Values{"url": {"https://hooks.example.com/vigil"},
		"event_types": {" case.resolved, appeal.decided,, case.resolved "}, "description": {"moderation feed"}}).
		want(t, http.StatusOK, "Copy it now", "whsec_", "https://hooks.example.com/vigil")
	subs, err := f.db.WebhookSubscriptions(t.Context(), f.mp.Marketplace.ID)
	if err != nil || len(subs) != 1 || strings.Join(subs[0].EventTypes, ",") != "case.resolved,appeal.decided" {
		t.Fatalf("subscriptions = %+v, %v", subs, err)
	}
	sub := subs[0]
	if !strings.Contains(html.UnescapeString(r.body), sub.Secret) {
		t.Fatal("the result page does not show the secret")
	}
	c.get("/console/admin/webhooks").want(t, http.StatusOK, "case.resolved, appeal.decided", "moderation feed", "No deliveries yet", "Send test").
		lacks(t, sub.Secret, "Copy it now")

	c.post("/console/admin/webhooks/"+sub.ID+"/test", nil).
		redirectsTo(t, "/console/admin/webhooks?done=webhook-test&mp="+f.mp.Marketplace.ID)
	ds, err := f.db.WebhookDeliveries(t.Context(), f.mp.Marketplace.ID, sub.ID, 10)
	if err != nil || len(ds) != 1 || ds[0].EventType != "webhook.test" {
		t.Fatalf("deliveries = %+v, %v", ds, err)
	}
	page := c.get("/console/admin/webhooks?done=webhook-test").want(t, http.StatusOK, "A test message was queued", "webhook.test", "pending")
	page.lacks(t, "/deliveries/"+ds[0].ID+"/retry") // pending: nothing to retry yet

	// The attempt failed; the delivery can be retried.
	if err := f.db.InTx(t.Context(), func(tx *store.Tx) error {
		return tx.RecordWebhookAttempt(t.Context(), ds[0].ID, store.DeliveryFailed, 500, "endpoint answered 500", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	c.get("/console/admin/webhooks").want(t, http.StatusOK, "failed", "HTTP 500", "endpoint answered 500", "/deliveries/"+ds[0].ID+"/retry")
	c.post("/console/admin/webhooks/deliveries/"+ds[0].ID+"/retry", nil).
		redirectsTo(t, "/console/admin/webhooks?done=delivery-retried&mp="+f.mp.Marketplace.ID)
	if d, _ := f.db.WebhookDelivery(t.Context(), ds[0].ID); d.Status != store.DeliveryPending {
		t.Errorf("after retry status = %q, want pending", d.Status)
	}

	c.post("/console/admin/webhooks/"+sub.ID+"/disable", nil).
		redirectsTo(t, "/console/admin/webhooks?done=webhook-disabled&mp="+f.mp.Marketplace.ID)
	c.get("/console/admin/webhooks").want(t, http.StatusOK, "disabled").lacks(t, "Send test")
	c.post("/console/admin/webhooks/"+sub.ID+"/test", nil).want(t, http.StatusUnprocessableEntity, "The subscription is disabled")
}

func TestWebhooksWithoutOutbox(t *testing.T) {
	t.Parallel()
	f := newFixture(t, withoutOutbox)
	f.addUser(t, "root", user.Admin, f.mp.Marketplace.ID)
	sub, err := f.outbox.Subscribe(t.Context(), system, f.mp.Marketplace.ID, "https://hooks.example.com/x", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	c := f.client(t)
	c.login("root")
	c.get("/console/admin/webhooks").want(t, http.StatusOK, "https://hooks.example.com/x", "all types", "can only be viewed").
		lacks(t, "Send test", "Disable", "Add a subscription", sub.Secret)
	c.post("/console/admin/webhooks", url.Values{"url": {"https://hooks.example.com/y"}}).want(t, http.StatusNotFound)
	c.post("/console/admin/webhooks/"+sub.ID+"/test", nil).want(t, http.StatusNotFound)
}

func TestLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "alice", user.Agent, "")
	u, _ := url.Parse(f.srv.URL + "/console/")
	var token string
	for _, ck := range c.hc.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			token = ck.Value
		}
	}
	r := c.post("/console/logout", nil)
	r.redirectsTo(t, "/console/login")
	if ck := r.cookie(sessionCookie); ck == nil || ck.MaxAge >= 0 {
		t.Errorf("logout did not clear the cookie: %+v", ck)
	}
	// The old cookie, replayed, no longer opens a session.
	replay := f.client(t)
	replay.hc.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/console/"}})
	replay.get("/console/").redirectsTo(t, "/console/login")
	if _, _, err := f.users.Session(t.Context(), token); !errors.Is(err, user.ErrNoSession) {
		t.Errorf("session after logout: %v", err)
	}
}

func TestAuditPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.addUser(t, "op", user.Agent, "")
	mp := f.mp.Marketplace.ID
	// The marketplace's chain holds its first key's entry; add 60 more.
	for i := range 60 {
		if _, _, err := f.tenants.CreateKey(t.Context(), system, mp, fmt.Sprintf("key %02d", i)); err != nil {
			t.Fatal(err)
		}
	}
	c := f.client(t)
	c.login("op")
	seqs := regexp.MustCompile(`<td class="num">(\d+)</td>`)
	rows := func(r response) []string {
		var out []string
		for _, m := range seqs.FindAllStringSubmatch(r.body, -1) {
			out = append(out, m[1])
		}
		return out
	}
	first := c.get("/console/audit").want(t, http.StatusOK, "Every change in Bikes & Boards", `{"name":"key 59"`, `href="/console/audit?before=12"`)
	if got := rows(first); len(got) != 50 || got[0] != "61" || got[49] != "12" {
		t.Fatalf("first page seqs = %v, want 61..12", got)
	}
	first.lacks(t, "Newer")
	second := c.get("/console/audit?before=12").want(t, http.StatusOK, "api_key.created", `href="/console/audit"`, "Newer")
	if got := rows(second); len(got) != 11 || got[0] != "11" || got[10] != "1" {
		t.Fatalf("second page seqs = %v, want 11..1", got)
	}
	second.lacks(t, "Older")
	if got := rows(c.get("/console/audit?before=1")); len(got) != 0 {
		t.Errorf("before=1 shows %v", got)
	}
	// Operators also see their own chain.
	c.get("/console/audit?chain=system").want(t, http.StatusOK, "Operator actions that belong to no marketplace", "marketplace.created")
}

func TestFreshInstall(t *testing.T) {
	t.Parallel()
	f := newFixture(t, freshInstall)
	f.addUser(t, "root", user.Admin, "")
	f.addUser(t, "agent", user.Agent, "")
	c := f.client(t)
	c.login("root")
	for _, path := range []string{"/console/", "/console/audit", "/console/admin/keys", "/console/admin/webhooks"} {
		c.get(path).want(t, http.StatusOK, "There is no marketplace yet", "vigil marketplace create NAME", `href="/console/admin/marketplaces"`)
	}
	c.get("/console/admin/users").want(t, http.StatusOK, "root")
	a := f.client(t)
	a.login("agent")
	a.get("/console/").want(t, http.StatusOK, "Ask an administrator").lacks(t, `href="/console/admin/marketplaces"`)
}

func TestUnexpectedErrorIsHidden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "alice", user.Agent, "")
	f.db.Close()
	c.get("/console/").want(t, http.StatusInternalServerError, "Something went wrong; nothing was changed.").
		lacks(t, "sql:", "closed", "database")
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.loggedIn(t, "alice", user.Agent, "")
	c.get("/console/no-such-page").want(t, http.StatusNotFound, "Not found", "Go to the dashboard")
}

func TestStatic(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client(t)
	login := c.get("/console/login").body
	for _, name := range []string{"console.css", "htmx.min.js"} {
		m := regexp.MustCompile(`/console/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]{16}`).FindString(login)
		if m == "" {
			t.Fatalf("login page does not link %s with a version:\n%s", name, login)
		}
		r := c.get(m).want(t, http.StatusOK)
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s Cache-Control = %q", name, cc)
		}
		if name == "htmx.min.js" && !strings.Contains(r.body, "htmx 2.0.11") {
			t.Error("htmx lost its licence header")
		}
		if cc := c.get("/console/static/" + name).Header.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("unversioned %s Cache-Control = %q", name, cc)
		}
	}
	c.get("/console/static/nope.js").want(t, http.StatusNotFound)
}

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/console/cases?x=1": "/console/cases?x=1",
		"/console":           "/console/",
		"//evil.example":     "/console/",
		"/console/\r\nX: y":  "/console/",
		"http://x/console/":  "/console/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

// apiKeys lists a marketplace's keys, failing the test on error.
func apiKeys(t *testing.T, f *fixture, mp string) []store.APIKey {
	t.Helper()
	keys, err := f.db.APIKeys(t.Context(), mp)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestAgo(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		-time.Second: "just now", 30 * time.Second: "just now", 5 * time.Minute: "5 min ago",
		3 * time.Hour: "3 h ago", 47 * time.Hour: "47 h ago", 72 * time.Hour: "3 days ago",
	} {
		if got := ago(d); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
}
