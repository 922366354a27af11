// Package svc holds what every service needs and nothing else: the store,
// the clock, the ID generator and the logger, passed through constructors
// instead of living in globals, so tests can fix time and IDs.
package svc

import (
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/vigil-ts/vigil/internal/store"
)

// Deps are the dependencies shared by the services.
type Deps struct {
	DB    *store.DB
	Now   func() time.Time
	NewID func() string
	Log   *slog.Logger
}

// New returns Deps with the real clock, UUIDv7 IDs and the given logger.
func New(db *store.DB, log *slog.Logger) Deps {
	return Deps{DB: db, Now: func() time.Time { return time.Now().UTC() }, NewID: NewID, Log: log}
}

// NewID returns a new UUIDv7 string: time-ordered, so IDs sort by creation.
func NewID() string { return uuid.Must(uuid.NewV7()).String() }
