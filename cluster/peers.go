package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"golang.org/x/crypto/bcrypt"
)

// SystemUser is the embedded node's user in NATS's system account, the
// only account whose requests change the cluster's membership (JetStream
// removes a peer only when the system account asks). Its password is
// kept in SystemSecretFile under the node's store directory: whoever can
// read the node's data may change its membership, nobody else.
const SystemUser = "lifeline-system"

// SystemSecretFile holds SystemUser's password, in the store directory.
const SystemSecretFile = "system-user.secret"

// apiRemoveServer is JetStream's request to remove a peer from the
// cluster's meta group; only the meta leader answers it.
const apiRemoveServer = "$JS.API.SERVER.REMOVE"

// addSystemUser declares NATS's system account ($SYS, the name every
// node of a cluster must share) with SystemUser in it. Anonymous clients
// keep reaching the global account: with only the system account
// declared, NATS maps a client without credentials to it.
func addSystemUser(sopts *server.Options, storeDir string) error {
	secret, err := systemSecret(storeDir)
	if err != nil {
		return err
	}
	// The server keeps a hash, not the password: NATS warns of plain ones.
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), bcrypt.MinCost)
	if err != nil {
		return fmt.Errorf("hash the system user's password: %w", err)
	}
	sys := server.NewAccount(server.DEFAULT_SYSTEM_ACCOUNT)
	sopts.Accounts = append(sopts.Accounts, sys)
	sopts.SystemAccount = sys.Name
	sopts.Users = append(sopts.Users, &server.User{Username: SystemUser, Password: string(hash), Account: sys})
	return nil
}

// systemSecret reads the system user's password, creating it (0600) on a
// node's first start.
func systemSecret(storeDir string) (string, error) {
	path := filepath.Join(storeDir, SystemSecretFile)
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read the system user's password: %w", err)
	}
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		return "", fmt.Errorf("create store directory: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("system user's password: %w", err)
	}
	secret := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("write the system user's password: %w", err)
	}
	return secret, nil
}

// RemovePeer removes the node named name from JetStream's peers for
// good: the meta group forgets it (so its quorum counts only the nodes
// left) and every stream that had a copy on it places that copy on
// another node, which then catches up from the others. It connects as
// SystemUser to the embedded node at clientURL, whose store directory is
// storeDir (the password is read there), and asks until the meta leader
// answers or ctx ends. The node must be stopped first: a running node
// that is removed leaves the cluster's JetStream.
func RemovePeer(ctx context.Context, clientURL, storeDir, name string) error {
	b, err := os.ReadFile(filepath.Join(storeDir, SystemSecretFile))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove peer %s: no %s in %s: run this on a machine whose embedded node runs from that directory (restarted since the system user was added)", name, SystemSecretFile, storeDir)
	}
	if err != nil {
		return fmt.Errorf("remove peer %s: %w", name, err)
	}
	wait := 5 * time.Second
	if d, ok := ctx.Deadline(); ok {
		wait = max(min(wait, time.Until(d)), 10*time.Millisecond)
	}
	nc, err := nats.Connect(clientURL, nats.Name("lifeline remove-peer"), nats.UserInfo(SystemUser, strings.TrimSpace(string(b))), nats.Timeout(wait))
	if err != nil {
		return fmt.Errorf("remove peer %s: connect to %s as %s: %w", name, redactURL(clientURL), SystemUser, err)
	}
	defer nc.Close()
	req, _ := json.Marshal(map[string]string{"peer": name})
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		// Short tries: while the meta group elects a leader nobody
		// answers, and the next try may reach the new one.
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		msg, err := nc.RequestWithContext(c, apiRemoveServer, req)
		cancel()
		if err == nil {
			return removeAnswer(name, msg.Data)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("remove peer %s: no answer from the meta leader: %w", name, err)
		case <-tick.C:
		}
	}
}

// removeAnswer reads JetStream's answer to a peer removal.
func removeAnswer(name string, data []byte) error {
	var resp struct {
		Success bool `json:"success"`
		Error   *struct {
			Code        int    `json:"code"`
			ErrCode     int    `json:"err_code"`
			Description string `json:"description"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return fmt.Errorf("remove peer %s: unreadable answer: %w", name, err)
	}
	if resp.Error != nil {
		return fmt.Errorf("remove peer %s: %s (%d)", name, resp.Error.Description, resp.Error.ErrCode)
	}
	if !resp.Success {
		return fmt.Errorf("remove peer %s: refused without a reason", name)
	}
	return nil
}
