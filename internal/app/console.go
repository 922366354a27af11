package app

import "net/http"

// mountConsole serves the moderator console under /console/.
func (a *App) mountConsole(mux *http.ServeMux) {
	mux.Handle("GET /{$}", http.RedirectHandler("/console/", http.StatusFound))
}
