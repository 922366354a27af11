package demo

import (
	"testing"
	"time"

	"github.com/vigil-ts/vigil/internal/detect/imagehash"
	"github.com/vigil-ts/vigil/internal/policy"
)

// TestCopiedPhotos checks the counterfeiter's photos are near copies of
// genuine sellers' photos — within the default policy's distance, so the
// reused-photo check finds them — while unrelated demo photos are not.
func TestCopiedPhotos(t *testing.T) {
	g := generate(1, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))
	maxDist := policy.Default().Listing.Duplicates.ImageDistance
	hash := func(p Photo) uint64 {
		h, err := imagehash.HashImage(p.Draw())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	var copies, originals []Photo
	for _, p := range g.photos {
		if p.Retouched {
			copies = append(copies, p)
		} else {
			originals = append(originals, p)
		}
	}
	if len(copies) < 3 || len(originals) < 500 {
		t.Fatalf("%d copied and %d original photos", len(copies), len(originals))
	}
	for _, c := range copies {
		if d := imagehash.Distance(hash(c), hash(Photo{Seed: c.Seed})); d > maxDist {
			t.Errorf("copy %s is %d bits from its original, more than %d", c.ID, d, maxDist)
		}
	}
	// Every pair of genuine photos, so the demo shows no false matches.
	hs := make([]uint64, len(originals))
	for i, p := range originals {
		hs[i] = hash(p)
	}
	for i := range hs {
		for j := i + 1; j < len(hs); j++ {
			if d := imagehash.Distance(hs[i], hs[j]); d <= maxDist {
				t.Errorf("unrelated demo photos %s and %s are %d bits apart", originals[i].ID, originals[j].ID, d)
			}
		}
	}
}
