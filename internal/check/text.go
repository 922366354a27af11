package check

import (
	"fmt"
	"sync"

	"github.com/vigil-ts/vigil/internal/policy"
)

// TextFactory builds the text detectors a policy asks for: its blocked,
// allowed and protected domains, shorteners and blocklist on top of the
// detectors' built-in lists.
type TextFactory func(p *policy.Policy) (TextScanner, error)

// texts caches one TextScanner per marketplace, policy version and
// category, so detectors are built when a policy changes, not per request.
type texts struct {
	factory TextFactory
	mu      sync.Mutex
	byMP    map[string]*textSet
}

type textSet struct {
	version    int64
	byCategory map[string]TextScanner
}

// get returns the scanner for the policy in force; nil when Vigil runs
// without text detectors.
func (t *texts) get(marketplaceID string, eff Effective, category string) (TextScanner, error) {
	if t == nil || t.factory == nil {
		return nil, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	set, ok := t.byMP[marketplaceID]
	if !ok || set.version != eff.Version {
		set = &textSet{version: eff.Version, byCategory: map[string]TextScanner{}}
		t.byMP[marketplaceID] = set
	}
	if sc, ok := set.byCategory[category]; ok {
		return sc, nil
	}
	sc, err := t.factory(eff.Compiled.Policy(category))
	if err != nil {
		return nil, fmt.Errorf("text detectors for policy v%d: %w", eff.Version, err)
	}
	set.byCategory[category] = sc
	return sc, nil
}
