package console

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/user"
)

// Cookie names. The __Host- prefix makes the browser refuse the cookie
// unless it is Secure, has Path=/ and no Domain, so neither a sibling
// subdomain nor plain HTTP can plant a session.
const (
	sessionCookie       = "vigil_session"
	secureSessionCookie = "__Host-vigil_session"
	marketplaceCookie   = "vigil_mp"
)

// consolePath is the console's root; every page lives below it.
const consolePath = "/console/"

// viewer is who is asking and where they are working.
type viewer struct {
	user    store.User
	session store.Session
	token   string // the session cookie's value, to end the session
	// mp is the marketplace the request works in; nil only when an
	// operator logs in before any marketplace exists.
	mp *store.Marketplace
	// mps lists every marketplace, for an operator's switcher; empty for
	// marketplace-scoped users, who cannot switch.
	mps []store.Marketplace
}

// operator reports whether the user may work in every marketplace.
func (v *viewer) operator() bool { return v.user.MarketplaceID == "" }

func (v *viewer) admin() bool { return v.user.Role == string(user.Admin) }

// senior reports whether the user may act on accounts, such as confirming
// that two belong together: senior moderators and admins.
func (v *viewer) senior() bool { return v.admin() || v.user.Role == string(user.SeniorModerator) }

// works reports whether the user works the moderation queue: agents,
// senior moderators and admins, not appeals reviewers.
func (v *viewer) works() bool { return slices.Contains(cases.ModeratorRoles(), v.user.Role) }

// moderator is the viewer acting on cases through their console session.
func (v *viewer) moderator() cases.Moderator { return cases.Moderator{User: v.user, Via: v.actor()} }

// actor is who the audit log records for the viewer's changes.
func (v *viewer) actor() audit.Actor { return audit.Actor{Type: audit.ActorUser, ID: v.user.ID} }

func (v *viewer) may(who access) bool {
	switch who {
	case moderators:
		return v.works()
	case seniors:
		return v.senior()
	case admins:
		return v.admin()
	case operatorAdmin:
		return v.admin() && v.operator()
	default:
		return true
	}
}

// validCSRF checks the session's token, sent as the X-CSRF-Token header
// (htmx requests) or the csrf form field (plain forms). The comparison is
// constant-time so the token cannot be guessed byte by byte.
func (v *viewer) validCSRF(r *http.Request) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	want := v.session.CSRFToken
	return got != "" && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

type viewerKey struct{}

// viewerFrom returns the viewer that page stored in the request's context,
// or nil on pages shown before login.
func viewerFrom(ctx context.Context) *viewer {
	v, _ := ctx.Value(viewerKey{}).(*viewer)
	return v
}

func (c *server) sessionCookieName() string {
	if c.d.SecureCookies {
		return secureSessionCookie
	}
	return sessionCookie
}

// cookie returns a console cookie; a negative maxAge deletes it.
func (c *server) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	ck := &http.Cookie{Name: name, Value: value, Path: consolePath, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: c.d.SecureCookies, MaxAge: int(maxAge / time.Second)}
	if maxAge < 0 {
		ck.MaxAge = -1
	}
	if name == secureSessionCookie {
		ck.Path = "/" // required by the __Host- prefix
	}
	return ck
}

// authenticate resolves the session cookie; user.ErrNoSession means the
// request is not logged in (no cookie, expired, or ended). A logged-in
// user's activity is recorded on the way.
func (c *server) authenticate(r *http.Request) (*viewer, error) {
	ck, err := r.Cookie(c.sessionCookieName())
	if err != nil {
		return nil, user.ErrNoSession
	}
	s, u, err := c.d.Users.Session(r.Context(), ck.Value)
	if err != nil {
		return nil, err
	}
	c.touch(r.Context(), u.ID)
	return &viewer{user: u, session: s, token: ck.Value}, nil
}

// activity remembers when each user's console activity was last
// recorded, so that most requests need no write at all.
type activity struct {
	mu sync.Mutex
	at map[string]time.Time
}

// due reports whether userID's activity has not been recorded for a
// minute, the store's own resolution.
func (a *activity) due(userID string, now time.Time) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	last, ok := a.at[userID]
	return !ok || now.Sub(last) >= time.Minute || now.Before(last)
}

// record notes that userID's activity was recorded at now.
func (a *activity) record(userID string, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.at[userID] = now
}

// touch records that a user is active in the console, which makes them a
// moderator online for workload balancing (assigning a case to the least
// loaded one). The store writes at most once a minute; activity skips
// even the transaction in between, so that page loads do not queue for
// SQLite's single writer. A failure is logged and the request goes on:
// being counted online is not worth refusing a page.
func (c *server) touch(ctx context.Context, userID string) {
	now := c.d.Now()
	if !c.seen.due(userID, now) {
		return
	}
	err := c.d.DB.InTx(ctx, func(tx *store.Tx) error { return tx.TouchUser(ctx, userID, now) })
	if err != nil {
		c.d.Log.WarnContext(ctx, "console: recording activity", "user", userID, "err", err)
		return
	}
	c.seen.record(userID, now)
}

// needLogin answers a request that has no session: a page load goes to the
// login form and comes back afterwards; an htmx request or a form post gets
// 401, since replaying a post after login would surprise (htmx is told to
// load the login page instead of swapping the error in).
func (c *server) needLogin(w http.ResponseWriter, r *http.Request) {
	login := consolePath + "login"
	if r.Method == http.MethodGet && !isHTMX(r) {
		if next := r.URL.RequestURI(); next != consolePath {
			login += "?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, login, http.StatusSeeOther)
		return
	}
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", login)
	}
	c.errorPage(w, r, http.StatusUnauthorized, "Logged out", "Your session has ended. Log in again to continue; nothing was changed.")
}

func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// safeNext returns where to go after login: next if it is a path inside
// the console, else the dashboard. Anything else, such as //evil.example or
// https://evil.example, could send a freshly logged-in user to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, consolePath) || strings.ContainsAny(next, "\\\r\n\t") {
		return consolePath
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return consolePath
	}
	return next
}

// loginData is the login form's state.
type loginData struct {
	Username string
	Next     string
	Error    string
}

func (c *server) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := c.authenticate(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	c.renderOrFail(w, r, http.StatusOK, "login", loginData{Next: next})
}

// login checks the form and opens a session. It has no session to carry a
// CSRF token yet; the cross-origin check in New covers it.
func (c *server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		c.errorPage(w, r, http.StatusBadRequest, "Bad request", "That form could not be read; nothing was changed.")
		return
	}
	username, next := r.PostFormValue("username"), safeNext(r.PostFormValue("next"))
	token, u, err := c.d.Users.Login(r.Context(), username, r.PostFormValue("password"))
	if errors.Is(err, user.ErrBadLogin) {
		c.renderOrFail(w, r, http.StatusUnauthorized, "login", loginData{Username: username, Next: next, Error: "Wrong username or password."})
		return
	}
	if locked, ok := errors.AsType[user.LockedError](err); ok {
		wait := max(locked.Until.Sub(c.d.Now()).Round(time.Second), time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())))
		c.renderOrFail(w, r, http.StatusTooManyRequests, "login", loginData{Username: username, Next: next,
			Error: fmt.Sprintf("Too many failed attempts for this username. Try again in %s.", wait)})
		return
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	// End the session this browser had before, so logging in as someone
	// else does not leave the old one valid until it expires.
	if old, err := r.Cookie(c.sessionCookieName()); err == nil {
		if err := c.d.Users.Logout(r.Context(), old.Value); err != nil {
			c.d.Log.WarnContext(r.Context(), "console: ending previous session", "err", err)
		}
	}
	c.d.Log.InfoContext(r.Context(), "console login", "user", u.ID)
	http.SetCookie(w, c.cookie(c.sessionCookieName(), token, user.SessionTTL))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (c *server) logout(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := c.d.Users.Logout(r.Context(), v.token); err != nil {
		return err
	}
	http.SetCookie(w, c.cookie(c.sessionCookieName(), "", -1))
	http.Redirect(w, r, consolePath+"login", http.StatusSeeOther)
	return nil
}

// resolveMarketplace sets the marketplace the request works in. A
// marketplace-scoped user always works in their own; naming another one is
// answered as if it did not exist. An operator's choice comes from the mp
// parameter (remembered in a cookie), then the cookie, then the first
// marketplace by name.
func (c *server) resolveMarketplace(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ctx := r.Context()
	want := r.FormValue("mp")
	if !v.operator() {
		if want != "" && want != v.user.MarketplaceID {
			return store.ErrNotFound
		}
		m, err := c.d.DB.Marketplace(ctx, v.user.MarketplaceID)
		if err != nil {
			return err
		}
		v.mp = &m
		return nil
	}
	mps, err := c.d.DB.Marketplaces(ctx)
	if err != nil {
		return err
	}
	v.mps = mps
	remembered := ""
	if ck, err := r.Cookie(marketplaceCookie); err == nil {
		remembered = ck.Value
	}
	find := func(id string) *store.Marketplace {
		if i := slices.IndexFunc(mps, func(m store.Marketplace) bool { return m.ID == id }); i >= 0 {
			return &mps[i]
		}
		return nil
	}
	if want != "" {
		if v.mp = find(want); v.mp == nil {
			return store.ErrNotFound
		}
		if want != remembered {
			http.SetCookie(w, c.cookie(marketplaceCookie, want, 365*24*time.Hour))
		}
		return nil
	}
	// A remembered marketplace may have gone (another database, say):
	// fall back to the first one rather than fail.
	if v.mp = find(remembered); v.mp == nil && len(mps) > 0 {
		v.mp = &mps[0]
	}
	return nil
}
