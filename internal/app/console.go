package app

import (
	"net/http"
	"time"

	"github.com/vigil-ts/vigil/internal/console"
)

// consoleSnapshotTTL is how old the console's dashboard figures and
// transparency report may be: reading them takes tens of milliseconds per
// ten thousand open cases or reports.
const consoleSnapshotTTL = 15 * time.Second

// mountConsole serves the moderator console under /console/ and sends the
// bare root there.
func (a *App) mountConsole(mux *http.ServeMux) {
	mux.Handle("/console/", console.New(console.Deps{DB: a.DB, Users: a.Users, Tenants: a.Tenants, Outbox: a.Outbox, Policies: a.Policies, Fraud: a.Fraud,
		Cases: a.Cases, Enforce: a.Enforce, Appeals: a.Appeals, Compliance: a.Compliance, Log: a.Log, Now: a.Deps.Now, SecureCookies: a.Cfg.SecureCookies, Version: a.Cfg.Version,
		SnapshotTTL: consoleSnapshotTTL}))
	mux.Handle("GET /{$}", http.RedirectHandler("/console/", http.StatusFound))
}
