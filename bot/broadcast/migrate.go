package broadcast

import (
	"encoding/json"
	"fmt"

	"lifeline/store"
)

// What a copy of a store into another backend (`lifeline migrate`) needs
// to know of this package's records to write each in its owner's scope.

// RecipientPerson is the person a stored recipient record names ("" once
// erased): the owner of that recipient's engagement.
func RecipientPerson(raw []byte) (string, error) {
	var r Recipient
	if err := json.Unmarshal(raw, &r); err != nil {
		return "", fmt.Errorf("decode recipient: %w", err)
	}
	return r.WaID, nil
}

// EventScope is the scope a stored integration event is written in: its
// broadcast's, or the person's it is about.
func EventScope(raw []byte) (store.Scope, error) {
	var p pendingEvent
	if err := json.Unmarshal(raw, &p); err != nil {
		return store.Scope{}, fmt.Errorf("decode integration event: %w", err)
	}
	return eventScope(p.Event), nil
}
