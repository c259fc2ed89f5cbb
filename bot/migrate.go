package bot

import (
	"encoding/json"
	"fmt"
)

// InboxLane is the lane of a stored inbox event or dead letter (an
// InboxItem as JSON): the user scope it is written in. A copy of a store
// into another backend (`lifeline migrate`) writes it there.
func InboxLane(raw []byte) (string, error) {
	var it InboxItem
	if err := json.Unmarshal(raw, &it); err != nil {
		return "", fmt.Errorf("decode inbox event: %w", err)
	}
	return it.lane(), nil
}
