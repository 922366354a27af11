package app

import (
	"net/http"

	"github.com/vigil-ts/vigil/internal/console"
)

// mountConsole serves the moderator console under /console/ and sends the
// bare root there.
func (a *App) mountConsole(mux *http.ServeMux) {
	mux.Handle("/console/", console.New(console.Deps{DB: a.DB, Users: a.Users, Tenants: a.Tenants, Outbox: a.Outbox, Policies: a.Policies, Fraud: a.Fraud,
		Cases: a.Cases, Enforce: a.Enforce, Appeals: a.Appeals, Compliance: a.Compliance, Log: a.Log, Now: a.Deps.Now, SecureCookies: a.Cfg.SecureCookies, Version: a.Cfg.Version}))
	mux.Handle("GET /{$}", http.RedirectHandler("/console/", http.StatusFound))
}
