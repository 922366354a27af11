package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"time"
)

// assets are the embedded static files, served with a content hash in
// their URL so browsers may cache them for a year and still pick up a new
// release at once.
type assets struct {
	files map[string]asset
}

type asset struct {
	body        []byte
	hash        string
	contentType string
}

func loadAssets(fsys fs.FS, dir string) (*assets, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	a := &assets{files: make(map[string]asset, len(entries))}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if ct == "" {
			ct = "text/plain; charset=utf-8" // the licence file
		}
		a.files[e.Name()] = asset{body: body, hash: hex.EncodeToString(sum[:8]), contentType: ct}
	}
	return a, nil
}

// url is the versioned address of a static file. An unknown name is an
// error so that a typo in a template fails the tests instead of a page.
func (a *assets) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return consolePath + "static/" + name + "?v=" + f.hash, nil
}

// ServeHTTP serves GET /console/static/{name}.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or missing version: serve the current file, but make the
		// browser check again next time.
		h.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, r.PathValue("name"), time.Time{}, bytes.NewReader(f.body))
}
