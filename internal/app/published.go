package app

import (
	"net/http"

	"github.com/vigil-ts/vigil/internal/published"
)

// mountPublished serves each marketplace's public policy page (R-C7) under
// /policies/, without login.
func (a *App) mountPublished(mux *http.ServeMux) {
	published.New(published.Deps{Marketplaces: a.DB, Policies: a.Policies, Log: a.Log}).Register(mux)
}
