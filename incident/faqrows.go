package incident

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"lifeline/store"
)

// The FAQ records read here are package kb's; only the fields the
// timeline shows are decoded, so that this package does not depend on
// the FAQ's search.
type faqVersion struct {
	N      int       `json:"version"`
	At     time.Time `json:"at"`
	Source string    `json:"source"` // import, merge, create, update, delete, rollback, sample
	Note   string    `json:"note"`   // the entry id of a one-entry change; "rollback to version n"
}

// faqChange is one row of FAQ work during the incident.
type faqChange struct {
	at                   time.Time
	kind, actor, subject string
	detail               string
}

// Row kinds of FAQ changes.
const (
	RowFAQVersion     = "faq.version"        // a new version of the general FAQ went live
	RowOverlayEntry   = "faq.overlay.entry"  // an overlay entry of the incident added or replaced
	RowOverlayRemoved = "faq.overlay.remove" // an overlay entry of the incident removed
)

// faqActions are the audited routes that make each source of an FAQ
// version (package admin audits package kbapi's routes under "kb").
var faqActions = map[string][]string{
	"import": {"kb.import"}, "merge": {"kb.import"}, "sample": {"kb.import"},
	"create":   {"kb.entries.create", "kb.candidates.approve"},
	"update":   {"kb.entries.update", "kb.candidates.approve"},
	"delete":   {"kb.entries.delete"},
	"rollback": {"kb.versions.rollback"},
}

// faq reads the FAQ changes made while the incident was open: the
// general FAQ's versions, with who made each from the audit log, and the
// incident's overlay entries. audit is the audit log since the opening,
// oldest first.
func (f *facts) faq(ctx context.Context, r store.Reader, audit []store.AuditEntry) error {
	var versions []faqVersion
	err := store.EachFAQVersion(ctx, r, func(n int, v faqVersion) error {
		if v.At.Before(f.in.OpenedAt) {
			return store.ErrStop // newest first: the rest are older
		}
		if f.in.during(v.At, f.now) {
			v.N = n
			versions = append(versions, v)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("faq versions: %w", err)
	}
	slices.Reverse(versions)
	used := make([]bool, len(audit))
	for _, v := range versions {
		c := faqChange{at: v.At, kind: RowFAQVersion, subject: "faq", detail: fmt.Sprintf("version %d: %s", v.N, v.Source)}
		switch {
		case v.Source == "rollback":
			c.detail += ": " + v.Note
		case v.Note != "":
			c.detail += " of entry " + v.Note
		}
		// The audit entry of the request that made it: the first not yet
		// matched of the right action (and entry), since versions and
		// requests come in the same order.
		for i, e := range audit {
			if used[i] || !slices.Contains(faqActions[v.Source], e.Action) || e.Status >= 300 {
				continue
			}
			if v.Note != "" && v.Source != "rollback" && strings.HasPrefix(e.Action, "kb.entries.") && e.Target != "id="+v.Note {
				continue
			}
			used[i] = true
			c.actor = auditActor(e)
			break
		}
		f.faqChanges = append(f.faqChanges, c)
	}
	// The overlay's changes from the audit log: a removed entry's record
	// is gone, and a replaced one keeps only its latest text. Package
	// admin writes an addition's entry with its id and language.
	for _, e := range audit {
		if e.Status >= 300 {
			continue
		}
		id, entry := targetParts(e.Target)
		if id != f.in.ID {
			continue
		}
		switch e.Action {
		case "incident.faq.create":
			f.faqChanges = append(f.faqChanges, faqChange{at: e.At, kind: RowOverlayEntry, actor: auditActor(e), subject: f.in.ID, detail: e.Detail})
		case "incident.faq.delete":
			f.faqChanges = append(f.faqChanges, faqChange{at: e.At, kind: RowOverlayRemoved, actor: auditActor(e), subject: f.in.ID, detail: "entry " + entry})
		}
	}
	return nil
}

// targetParts reads the incident and entry of an overlay route's audit
// target ("id=inc000001 entry=plant").
func targetParts(t string) (id, entry string) {
	for _, p := range strings.Fields(t) {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "id":
			id = v
		case "entry":
			entry = v
		}
	}
	return id, entry
}
