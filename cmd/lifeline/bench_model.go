package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// capacityInstances are the instance counts the capacity sweep measures.
var capacityInstances = []int{1, 3, 6}

// deployment is the deployment the capacity model is asked about: three
// machines of eight cores, one instance (with its embedded node) each.
const (
	deploymentInstances = 3
	deploymentCores     = 8
)

// capacityModel predicts the replies per second of N instances of C cores
// each at full speed, taking the work as CPU bound:
//
//	X(N, C) = C · e / (c(N) · s(N))
//
// c(N) is the CPU of all the instances (their embedded NATS nodes
// included) per message at N instances, from an uncapped run (at a rate,
// or at full speed: a message costs less CPU when messages come in
// batches, so the two give different models, both printed); s(N) is the
// busiest instance's share of that CPU (1/N when the work is spread
// evenly: the busiest instance meets its cap first, and the cluster goes
// no faster than it); e is what a capped core does against that cost (the
// cap's use, throttling, the batching of a saturated instance), calibrated
// on one capped instance: e = X(1, C) · c(1) / C. With s(N) = 1/N this is
// N · C · e / c(N).
type capacityModel struct {
	source costSource
	cores  float64                  // each instance's cap in the capped runs
	eff    float64                  // e
	one    clusterRunResult         // the capped run of one instance e comes from
	cost   map[int]clusterRunResult // the uncapped run of N instances
}

// costSource is which uncapped runs a model takes c(N) and s(N) from.
type costSource struct {
	name string
	pick func(clusterRunSpec) bool
}

var costSources = []costSource{
	{"uncapped at a rate", func(s clusterRunSpec) bool { return s.cpus == 0 && s.rate > 0 }},
	{"uncapped at full speed", func(s clusterRunSpec) bool { return s.cpus == 0 && s.rate == 0 }},
}

// fitCapacityModel takes c(N) and s(N) from the first uncapped nats run
// of N instances src picks, and e from the first capped full-speed run of
// one nats instance; false when the runs lack either.
func fitCapacityModel(rs []clusterRunResult, src costSource) (capacityModel, bool) {
	m := capacityModel{source: src, cost: map[int]clusterRunResult{}}
	found := false
	for _, r := range rs {
		if r.spec.backend != "nats" || r.replies == 0 {
			continue
		}
		switch {
		case src.pick(r.spec):
			if _, ok := m.cost[r.spec.instances]; !ok {
				m.cost[r.spec.instances] = r
			}
		case r.spec.cpus > 0 && r.spec.rate == 0 && r.spec.instances == 1 && !found:
			m.one, found = r, true
		}
	}
	c1, ok := m.cost[1]
	if !found || !ok {
		return m, false
	}
	m.cores = m.one.spec.cpus
	m.eff = m.one.rate() * c1.perMessage().Seconds() / m.cores
	return m, true
}

// predict is X(n, cores) with efficiency e; false without an uncapped
// run of n instances.
func (m capacityModel) predict(n int, cores, e float64) (float64, bool) {
	r, ok := m.cost[n]
	c, s := r.perMessage().Seconds(), busiestShare(r)
	if !ok || c <= 0 || s <= 0 {
		return 0, false
	}
	return cores * e / (c * s), true
}

// capped is the capped full-speed run of n instances at the model's cap.
func (m capacityModel) capped(rs []clusterRunResult, n int) (clusterRunResult, bool) {
	for _, r := range rs {
		if r.spec.backend == "nats" && r.spec.rate == 0 && r.spec.cpus == m.cores && r.spec.instances == n {
			return r, true
		}
	}
	return clusterRunResult{}, false
}

// effFitting is the e that would make the model give what the capped run
// r measured.
func (m capacityModel) effFitting(r clusterRunResult) (float64, bool) {
	u, ok := m.cost[r.spec.instances]
	if !ok || r.spec.cpus <= 0 {
		return 0, false
	}
	return r.rate() * u.perMessage().Seconds() * busiestShare(u) / r.spec.cpus, true
}

// busiestShare is the largest instance's part of the instances' CPU in
// the window.
func busiestShare(r clusterRunResult) float64 {
	if r.instCPU <= 0 || len(r.perInstance) == 0 {
		return 0
	}
	return float64(slices.Max(r.perInstance)) / float64(r.instCPU)
}

// capUsed is the part of their caps the instances used in the window.
func capUsed(r clusterRunResult) float64 {
	if r.spec.cpus <= 0 || r.window <= 0 {
		return 0
	}
	return r.instCPU.Seconds() / r.window.Seconds() / (r.spec.cpus * float64(r.spec.instances))
}

func msText(seconds float64) string { return fmt.Sprintf("%.2f ms", seconds*1000) }

// print writes the model's inputs, its predictions for the capped runs
// beside what they measured, and the deployment's prediction. Besides e
// from one instance (R1: its commits wait for a disk sync JetStream's
// replicated streams do not) it predicts with e fitted on three capped
// instances, the deployment's own replication.
func (m capacityModel) print(out io.Writer, rs []clusterRunResult) {
	c1 := m.cost[1]
	fmt.Fprintf(out, "\ncapacity model, c(N) %s: X(N, C) = C · e / (c(N) · s(N)); e = %.3f from nats x1 capped at %.2f cores "+
		"(%.1f replies/s) and c(1) = %s", m.source.name, m.eff, m.cores, m.one.rate(), msText(c1.perMessage().Seconds()))
	e3 := 0.0
	if r, ok := m.capped(rs, deploymentInstances); ok {
		e3, _ = m.effFitting(r)
		fmt.Fprintf(out, "; e3 = %.3f fitted on nats x%d capped", e3, deploymentInstances)
	}
	fmt.Fprintln(out, "\n\n| instances | c(N): CPU per message, uncapped | s(N): busiest instance's share | uncapped run | capped: measured replies/s | model, e | model / measured | model, e3 | model / measured | CPU per message at the cap | cap used | e fitting this run |")
	fmt.Fprintln(out, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, n := range capacityInstances {
		u, ok := m.cost[n]
		if !ok {
			continue
		}
		load := fmt.Sprintf("%d msg/s, kept up", u.spec.rate)
		switch got := u.rate(); {
		case u.spec.rate == 0:
			load = fmt.Sprintf("full speed: %.1f replies/s", got)
		case got < 0.9*float64(u.spec.rate) || u.unanswered > 0:
			load = fmt.Sprintf("%d msg/s, fell behind: %.1f replies/s, %d unanswered", u.spec.rate, got, u.unanswered)
		}
		cells := []string{"-", "-", "-", "-", "-", "-", "-", "-"} // measured, model e, ratio, model e3, ratio, at cap, used, fit
		r, measured := m.capped(rs, n)
		if measured {
			cells[0] = fmt.Sprintf("%.1f", r.rate())
			cells[5], cells[6] = msText(r.perMessage().Seconds()), fmt.Sprintf("%.0f%%", 100*capUsed(r))
			if e, ok := m.effFitting(r); ok {
				cells[7] = fmt.Sprintf("%.3f", e)
			}
		}
		for i, e := range []float64{m.eff, e3} {
			if p, ok := m.predict(n, m.cores, e); ok && e > 0 {
				cells[1+2*i] = fmt.Sprintf("%.1f", p)
				if measured && r.rate() > 0 {
					cells[2+2*i] = fmt.Sprintf("%.2f", p/r.rate())
				}
			}
		}
		fmt.Fprintf(out, "| nats x%d | %s | %.2f | %s | %s |\n", n, msText(u.perMessage().Seconds()),
			busiestShare(u), load, strings.Join(cells, " | "))
	}
	for _, n := range capacityInstances {
		if u, ok := m.cost[n]; ok && u.split != nil && u.split.nats+u.split.lifeline > 0 {
			c, share := u.perMessage().Seconds(), u.split.natsShare()
			fmt.Fprintf(out, "c(%d) = %s: NATS node %s, Lifeline %s (by the profile's stacks, the runtime's own part spread over both)\n",
				n, msText(c), msText(c*share), msText(c*(1-share)))
		}
	}
	c3, ok := m.cost[deploymentInstances]
	if !ok {
		return
	}
	for _, e := range []struct {
		name string
		e    float64
	}{{"e", m.eff}, {"e3", e3}} {
		if e.e <= 0 {
			continue
		}
		x, _ := m.predict(deploymentInstances, deploymentCores, e.e)
		even := deploymentInstances * deploymentCores * e.e / c3.perMessage().Seconds()
		fmt.Fprintf(out, "%d x %d-core deployment, %s (cores as fast as this machine's; c(N) %s): X(%d, %d) = %d · %.3f / (%s · %.2f) = %.0f replies/s "+
			"(%.0f if the work were spread evenly)\n", deploymentInstances, deploymentCores, e.name, m.source.name, deploymentInstances, deploymentCores, deploymentCores,
			e.e, msText(c3.perMessage().Seconds()), busiestShare(c3), x, even)
	}
}
