// Package check makes Vigil's synchronous decisions (R-L1–R-L6, R-M1–R-M3,
// R-V1–R-V2): it feeds the detectors and the marketplace's compiled policy
// with the entity and its context, stores every decision with its findings
// and rule hits, holds what needs a person, and queues the takedown webhook
// for phishing. It also owns each marketplace's policy document: its
// versions, its validation on save, and the compiled form checks use.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/vigil-ts/vigil/internal/audit"
	"github.com/vigil-ts/vigil/internal/policy"
	"github.com/vigil-ts/vigil/internal/store"
	"github.com/vigil-ts/vigil/internal/svc"
)

// ErrInvalidPolicy wraps a policy document that does not lint clean; the
// policy.Problems are in the chain (errors.As).
var ErrInvalidPolicy = errors.New("invalid policy")

// Policies hands out each marketplace's compiled policy, compiling a stored
// document once per version rather than per request.
type Policies struct {
	svc.Deps
	defaults *policy.Compiled
	mu       sync.Mutex
	cache    map[string]compiledPolicy
}

type compiledPolicy struct {
	version  int64
	compiled *policy.Compiled
}

// NewPolicies compiles the built-in defaults.
func NewPolicies(d svc.Deps) (*Policies, error) {
	def, err := policy.Compile(nil)
	if err != nil {
		return nil, fmt.Errorf("built-in policy: %w", err)
	}
	return &Policies{Deps: d, defaults: def, cache: map[string]compiledPolicy{}}, nil
}

// Effective is a marketplace's policy in force.
type Effective struct {
	Compiled *policy.Compiled
	// Version is the stored document's version; 0 means built-in defaults.
	Version  int64
	Document string
}

// Policy is the marketplace-wide policy in force (no category override).
func (p *Policies) Policy(ctx context.Context, marketplaceID string) (*policy.Policy, error) {
	return p.PolicyFor(ctx, marketplaceID, "")
}

// PolicyFor is the policy in force for a category.
func (p *Policies) PolicyFor(ctx context.Context, marketplaceID, category string) (*policy.Policy, error) {
	eff, err := p.Get(ctx, marketplaceID)
	if err != nil {
		return nil, err
	}
	return eff.Compiled.Policy(category), nil
}

// Get returns the marketplace's policy in force. It reads the stored version
// (a primary-key lookup) so that a save in any process takes effect at once.
func (p *Policies) Get(ctx context.Context, marketplaceID string) (Effective, error) {
	doc, err := p.DB.PolicyDocument(ctx, marketplaceID)
	if errors.Is(err, store.ErrNotFound) {
		return Effective{Compiled: p.defaults}, nil
	}
	if err != nil {
		return Effective{}, err
	}
	p.mu.Lock()
	c, ok := p.cache[marketplaceID]
	p.mu.Unlock()
	if ok && c.version == doc.Version {
		return Effective{Compiled: c.compiled, Version: doc.Version, Document: doc.Document}, nil
	}
	parsed, err := policy.Parse([]byte(doc.Document))
	if err != nil {
		return Effective{}, fmt.Errorf("stored policy v%d of %s: %w", doc.Version, marketplaceID, err)
	}
	compiled, err := policy.Compile(parsed)
	if err != nil {
		return Effective{}, fmt.Errorf("stored policy v%d of %s: %w", doc.Version, marketplaceID, err)
	}
	p.mu.Lock()
	if cur, ok := p.cache[marketplaceID]; !ok || cur.version < doc.Version {
		p.cache[marketplaceID] = compiledPolicy{version: doc.Version, compiled: compiled}
	}
	p.mu.Unlock()
	return Effective{Compiled: compiled, Version: doc.Version, Document: doc.Document}, nil
}

// Save validates and stores a new version of a marketplace's policy
// document. expectVersion guards against overwriting someone else's edit
// (-1 to skip the check). An invalid document returns ErrInvalidPolicy
// wrapping policy.Problems, and nothing is stored.
func (p *Policies) Save(ctx context.Context, actor audit.Actor, marketplaceID, document string, expectVersion int64) (int64, error) {
	if probs := policy.Lint([]byte(document)); len(probs) > 0 {
		return 0, fmt.Errorf("%w: %w", ErrInvalidPolicy, probs)
	}
	var version int64
	err := p.DB.InTx(ctx, func(tx *store.Tx) error {
		now := p.Now()
		var err error
		version, err = tx.SavePolicyDocument(ctx, store.PolicyDocument{MarketplaceID: marketplaceID, Document: document,
			UpdatedAt: now, UpdatedBy: actor.Type + ":" + actor.ID}, expectVersion)
		if err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(document))
		return tx.Audit(ctx, marketplaceID, actor, "policy.saved", "policy", marketplaceID,
			map[string]any{"version": version, "sha256": hex.EncodeToString(sum[:]), "bytes": len(document)}, now)
	})
	return version, err
}
