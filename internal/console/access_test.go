package console

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/user"
)

// TestAccessMatrix opens every page of the console's route table —
// so a new page is covered the day it is added — anonymously and as each
// role: anonymous visitors are sent to the login (GET) or told their
// session ended (POST), a role the page is not for gets 403 "Not
// allowed", and every role it is for gets past the check.
func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	mp := f.mp.Marketplace.ID
	roles := map[string]struct {
		role user.Role
		mp   string
	}{
		"agent": {user.Agent, mp}, "senior": {user.SeniorModerator, mp}, "reviewer": {user.AppealsReviewer, mp},
		"mpadmin": {user.Admin, mp}, "operator": {user.Admin, ""},
	}
	allowed := map[access][]string{
		anyone:        {"agent", "senior", "reviewer", "mpadmin", "operator"},
		moderators:    {"agent", "senior", "mpadmin", "operator"},
		seniors:       {"senior", "mpadmin", "operator"},
		admins:        {"mpadmin", "operator"},
		operatorAdmin: {"operator"},
	}
	table := (&server{}).table()
	if len(table) < 40 {
		t.Fatalf("only %d pages in the route table", len(table))
	}
	// Logging out ends the session: it goes last.
	last := func(r route) int {
		if strings.HasSuffix(r.pattern, "/logout") {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(table, func(a, b route) int { return last(a) - last(b) })
	path := func(pattern string) (method, p string) {
		method, p, _ = strings.Cut(pattern, " ")
		return method, strings.NewReplacer("{$}", "", "{id}", "no-such-id", "{other}", "no-such-other", "{sanction}", "no-such-sanction").Replace(p)
	}

	anon := f.client(t)
	for _, rt := range table {
		method, p := path(rt.pattern)
		r := anon.do(method, p, nil, nil)
		switch {
		case method == http.MethodGet && (r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/console/login")):
			t.Errorf("anonymous %s: %d to %q, want 303 to the login", rt.pattern, r.StatusCode, r.Header.Get("Location"))
		case method == http.MethodPost && r.StatusCode != http.StatusUnauthorized:
			t.Errorf("anonymous %s: %d, want 401", rt.pattern, r.StatusCode)
		}
	}
	for name, u := range roles {
		f.addUser(t, name, u.role, u.mp)
		c := f.client(t)
		c.login(name)
		for _, rt := range table {
			method, p := path(rt.pattern)
			var r response
			if method == http.MethodPost {
				r = c.post(p, nil)
			} else {
				r = c.get(p)
			}
			may := slices.Contains(allowed[rt.who], name)
			denied := r.StatusCode == http.StatusForbidden && strings.Contains(r.body, "Not allowed")
			switch {
			case may && (denied || r.StatusCode == http.StatusUnauthorized):
				t.Errorf("%s on %s: %d, want to get past the role check", name, rt.pattern, r.StatusCode)
			case !may && !denied:
				t.Errorf("%s on %s: %d, want 403 Not allowed", name, rt.pattern, r.StatusCode)
			}
		}
	}
}
