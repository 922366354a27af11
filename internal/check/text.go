package check

import (
	"fmt"
	"sync"

	"github.com/vigil-ts/vigil/internal/detect/price"
	"github.com/vigil-ts/vigil/internal/policy"
)

// TextFactory builds the text detectors a policy asks for: its blocked,
// allowed and protected domains, shorteners and blocklist on top of the
// detectors' built-in lists.
type TextFactory func(p *policy.Policy) (TextScanner, error)

// texts caches the detectors a policy configures — the TextScanner and the
// counterfeit brand matcher — per marketplace, policy version and category,
// so they are built when a policy changes, not per request.
type texts struct {
	factory TextFactory
	mu      sync.Mutex
	byMP    map[string]*textSet
}

type textSet struct {
	version    int64
	byCategory map[string]*configured
}

// configured are the detectors built from one resolved policy. scanner is
// nil when Vigil runs without text detectors.
type configured struct {
	scanner TextScanner
	brands  *price.Brands
}

// get returns the detectors for the policy in force.
func (t *texts) get(marketplaceID string, eff Effective, category string) (*configured, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	set, ok := t.byMP[marketplaceID]
	if !ok || set.version != eff.Version {
		set = &textSet{version: eff.Version, byCategory: map[string]*configured{}}
		t.byMP[marketplaceID] = set
	}
	if c, ok := set.byCategory[category]; ok {
		return c, nil
	}
	pol := eff.Compiled.Policy(category)
	c := &configured{brands: brandsOf(pol)}
	if t.factory != nil {
		sc, err := t.factory(pol)
		if err != nil {
			return nil, fmt.Errorf("text detectors for policy v%d: %w", eff.Version, err)
		}
		c.scanner = sc
	}
	set.byCategory[category] = c
	return c, nil
}

// brandsOf builds the counterfeit matcher of a policy (R-L3).
func brandsOf(pol *policy.Policy) *price.Brands {
	brands := make([]price.Brand, 0, len(pol.Listing.CounterfeitBrands))
	for name, minPrice := range pol.Listing.CounterfeitBrands {
		brands = append(brands, price.Brand{Name: name, MinPrice: minPrice})
	}
	return price.NewBrands(brands)
}
