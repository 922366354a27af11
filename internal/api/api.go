// Package api serves the marketplace API under /v1: authentication by API
// key (every call is scoped to the key's marketplace), the operations, their
// OpenAPI 3.1 description, and errors as RFC 9457 problem+json. Handlers are
// thin: they translate HTTP to service calls and service errors to statuses.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/vigil-ts/vigil/internal/appeal"
	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/cases"
	"github.com/vigil-ts/vigil/internal/check"
	"github.com/vigil-ts/vigil/internal/compliance"
	"github.com/vigil-ts/vigil/internal/enforce"
	"github.com/vigil-ts/vigil/internal/event"
	"github.com/vigil-ts/vigil/internal/fraud"
	"github.com/vigil-ts/vigil/internal/ingest"
	"github.com/vigil-ts/vigil/internal/listing"
	"github.com/vigil-ts/vigil/internal/outbox"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/tenant"
	"github.com/vigil-ts/vigil/internal/user"
)

// Deps are the services the API calls.
type Deps struct {
	DB         *store.DB
	Tenants    *tenant.Service
	Ingest     *ingest.Service
	Outbox     *outbox.Service
	Policies   *check.Policies
	Checks     *check.Service
	Fraud      *fraud.Service
	Cases      *cases.Service
	Enforce    *enforce.Service
	Appeals    *appeal.Service
	Listings   *listing.Service
	Compliance *compliance.Service
	Log        *slog.Logger
	// Ingested is told how many events each request stored (metrics).
	Ingested func(n int)
	// KeyRate limits each API key's requests in this process.
	KeyRate RateLimit
}

type handlers struct {
	Deps
	limits *keyLimits
}

// New registers the /v1 operations on mux and returns the API, whose
// OpenAPI document is served at /openapi.json.
func New(mux *http.ServeMux, d Deps, version string) huma.API {
	cfg := huma.DefaultConfig("Vigil API", version)
	cfg.Info.Description = "Trust & safety decisions, events and moderation for online marketplaces. " +
		"Authenticate with `Authorization: Bearer <API key>`; every call is scoped to the key's marketplace. " +
		"Errors are RFC 9457 problem+json."
	cfg.DocsPath = "" // no CDN-hosted docs page
	cfg.CreateHooks = nil
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "A marketplace API key (vgl_…)."},
	}
	api := humago.New(mux, cfg)
	h := &handlers{Deps: d, limits: newKeyLimits(d.KeyRate)}
	api.UseMiddleware(h.authenticate(api))
	h.registerEvents(api)
	h.registerEntities(api)
	h.registerWebhooks(api)
	h.registerMarketplace(api)
	h.registerPolicy(api)
	h.registerChecks(api)
	h.registerImages(api)
	h.registerRisk(api)
	h.registerCases(api)
	h.registerEnforcement(api)
	h.registerAppeals(api)
	h.registerListings(api)
	h.registerCompliance(api)
	return api
}

// secured marks an operation as requiring an API key.
func secured() []map[string][]string { return []map[string][]string{{"bearer": {}}} }

type ctxKey struct{}

// caller is the authenticated API key behind a request.
type caller struct {
	key store.APIKey
}

func (c caller) actor() audit.Actor { return audit.Actor{Type: audit.ActorAPIKey, ID: c.key.ID} }

func callerFrom(ctx context.Context) caller {
	c, _ := ctx.Value(ctxKey{}).(caller)
	return c
}

// authenticate resolves the bearer key of secured operations.
func (h *handlers) authenticate(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		if len(ctx.Operation().Security) == 0 {
			next(ctx)
			return
		}
		auth := ctx.Header("Authorization")
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || secret == "" {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="vigil"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "missing API key: send Authorization: Bearer <key>")
			return
		}
		key, err := h.Tenants.Authenticate(ctx.Context(), strings.TrimSpace(secret))
		switch {
		case errors.Is(err, tenant.ErrUnknownKey), errors.Is(err, tenant.ErrRevokedKey):
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="vigil", error="invalid_token"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, err.Error())
			return
		case err != nil:
			h.Log.ErrorContext(ctx.Context(), "authenticate", "err", err)
			huma.WriteErr(api, ctx, http.StatusServiceUnavailable, "authentication unavailable, retry shortly")
			return
		}
		if wait := h.limits.wait(key.ID, time.Now()); wait > 0 {
			tooMany(api, ctx, wait)
			return
		}
		next(huma.WithValue(ctx, ctxKey{}, caller{key: key}))
	}
}

// problem maps a service error to its HTTP problem once for every handler.
// Unexpected errors are logged and answered without internals.
func (h *handlers) problem(ctx context.Context, err error) error {
	var se huma.StatusError
	if mapped, ok := appealErr(err); ok {
		return mapped
	}
	if mapped, ok := listingErr(err); ok {
		return mapped
	}
	if limited, ok := errors.AsType[cases.RateLimited](err); ok {
		return huma.ErrorWithHeaders(huma.Error429TooManyRequests(err.Error()), http.Header{"Retry-After": {retryAfter(time.Until(limited.Until))}})
	}
	switch {
	case errors.As(err, &se):
		return err
	case errors.Is(err, store.ErrNotFound):
		return huma.Error404NotFound("not found")
	case errors.Is(err, store.ErrConflict), errors.Is(err, cases.ErrKeyReused):
		return huma.Error409Conflict(err.Error())
	case errors.Is(err, cases.ErrForbidden), errors.Is(err, cases.ErrRefused), errors.Is(err, enforce.ErrForbidden):
		return huma.Error403Forbidden(err.Error())
	case errors.Is(err, check.ErrInvalid):
		var fe *event.FieldError
		if errors.As(err, &fe) {
			return huma.Error422UnprocessableEntity(fe.Error(), &huma.ErrorDetail{Location: "body." + strings.TrimPrefix(fe.Field, "data."), Message: fe.Msg})
		}
		return huma.Error422UnprocessableEntity(err.Error())
	case errors.Is(err, tenant.ErrInvalid), errors.Is(err, outbox.ErrInvalid), errors.Is(err, fraud.ErrInvalid), errors.Is(err, user.ErrInvalid), errors.Is(err, cases.ErrInvalid), errors.Is(err, enforce.ErrInvalid), errors.Is(err, ingest.ErrTooMany):
		return huma.Error422UnprocessableEntity(err.Error())
	case errors.Is(err, context.Canceled):
		return huma.NewError(499, "request cancelled")
	}
	h.Log.ErrorContext(ctx, "request failed", "err", err)
	return huma.Error500InternalServerError("internal error; nothing was changed, retry with the same ids")
}
