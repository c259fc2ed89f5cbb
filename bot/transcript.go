package bot

import (
	"fmt"
	"slices"

	"lifeline/store"
)

// TranscriptSource adds messages kept outside the transcript to a
// person's conversation as agents and admins see it: broadcasts keep
// theirs with their send records.
type TranscriptSource interface {
	Messages(r store.Reader, user string) ([]store.Entry, error)
}

// Transcript returns the newest limit entries of user's conversation,
// oldest first, with the sources' messages merged in by time.
func (e *Engine) Transcript(r store.Reader, user string, limit int) ([]store.Entry, error) {
	out, err := store.LastTranscript(storeCtx(), r, user, limit)
	if err != nil {
		return nil, err
	}
	if len(e.sources) == 0 {
		return out, nil
	}
	for _, src := range e.sources {
		more, err := src.Messages(r, user)
		if err != nil {
			return nil, fmt.Errorf("read transcript: %w", err)
		}
		out = append(out, more...)
	}
	slices.SortStableFunc(out, func(a, b store.Entry) int { return a.At.Compare(b.At) })
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out, nil
}
