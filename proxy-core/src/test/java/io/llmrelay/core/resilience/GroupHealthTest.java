package io.llmrelay.core.resilience;

import io.llmrelay.testing.FakeClock;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrelay.core.balance.AttemptOutcome;
import io.llmrelay.core.config.ResilienceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupHealthTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void atMostTheConfiguredShareOfAGroupIsEjectedTheEarliestEjectionsFirst() {
        FleetResilience fleet = fleet(50);
        List<BackendResilience> b = backends(fleet, 4);
        GroupHealth group = fleet.group(b);
        assertThat(group.ejectionsAllowed()).isEqualTo(2);

        eject(b.get(2));
        clock.advanceMillis(10);
        eject(b.get(0));
        clock.advanceMillis(10);
        eject(b.get(3));
        assertThat(b).filteredOn(BackendResilience::ejected).hasSize(3);
        assertThat(routable(group, b)).containsExactly("b1", "b3");
        assertThat(group.ejected(b.get(3))).isFalse();
        assertThat(group.reason(b.get(3))).as("routed to though ejected").isNull();
        assertThat(group.reason(b.get(2))).startsWith("ejected for ");

        clock.advanceMillis(980); // b2's ejection (the first) is over: b3's is honoured now
        assertThat(routable(group, b)).containsExactly("b1", "b2");
        assertThat(group.ejected(b.get(3))).isTrue();
    }

    @Test
    void theCapIsPerGroupNotPerFleet() {
        FleetResilience fleet = fleet(50);
        List<BackendResilience> b = backends(fleet, 4);
        GroupHealth pair = fleet.group(List.of(b.get(0), b.get(1)));
        GroupHealth all = fleet.group(b);
        eject(b.get(0));
        eject(b.get(1));
        assertThat(routable(pair, List.of(b.get(0), b.get(1)))).containsExactly("b1");
        assertThat(routable(all, b)).containsExactly("b2", "b3");
    }

    @Test
    void aModelWithOneBackendNeverLosesItToAnEjection() {
        FleetResilience fleet = fleet(50);
        BackendResilience only = fleet.backend("only");
        GroupHealth group = fleet.group(List.of(only));
        eject(only);
        assertThat(only.routable()).as("on its own, it is ejected").isFalse();
        assertThat(group.routable(only)).isTrue();
        assertThat(group.anyRoutable()).isTrue();
    }

    @Test
    void aHundredPercentHonoursEveryEjectionAndZeroNone() {
        FleetResilience every = fleet(100);
        List<BackendResilience> b = backends(every, 3);
        GroupHealth group = every.group(b);
        b.forEach(GroupHealthTest::eject);
        assertThat(routable(group, b)).isEmpty();
        assertThat(group.anyRoutable()).isFalse();

        FleetResilience none = fleet(0);
        List<BackendResilience> c = backends(none, 3);
        GroupHealth lenient = none.group(c);
        c.forEach(GroupHealthTest::eject);
        assertThat(routable(lenient, c)).containsExactly("b0", "b1", "b2");
    }

    @Test
    void otherReasonsAreNotTheGroupsToOverrule() {
        FleetResilience fleet = fleet(50);
        List<BackendResilience> b = backends(fleet, 2);
        GroupHealth group = fleet.group(b);
        b.get(0).probe(false);
        assertThat(routable(group, b)).containsExactly("b1");
        assertThat(group.reason(b.get(0))).startsWith("unhealthy");
        b.get(1).holdOffNanos(Duration.ofSeconds(3).toNanos());
        assertThat(group.anyRoutable()).isFalse();
    }

    @Test
    void theCutIsReadAgainAfterEveryChange() {
        FleetResilience fleet = fleet(34); // 3 backends: one may be ejected
        List<BackendResilience> b = backends(fleet, 3);
        GroupHealth group = fleet.group(b);
        eject(b.get(1));
        assertThat(routable(group, b)).containsExactly("b0", "b2");
        clock.advanceMillis(500);
        eject(b.get(0));
        assertThat(routable(group, b)).containsExactly("b0", "b2");
        clock.advanceMillis(500); // b1's ends
        assertThat(routable(group, b)).containsExactly("b1", "b2");
        clock.advanceMillis(500); // b0's ends
        assertThat(routable(group, b)).containsExactly("b0", "b1", "b2");
    }

    private FleetResilience fleet(int maxEjectedPercent) {
        ResilienceConfig d = ResilienceConfig.defaults();
        ResilienceConfig config = new ResilienceConfig(d.health(), d.breaker(),
                new ResilienceConfig.Outlier(1, Duration.ofSeconds(1), Duration.ofSeconds(30), maxEjectedPercent), d.retry());
        return new FleetResilience(config, clock.clocks(), ResilienceEvents.NONE);
    }

    private static List<BackendResilience> backends(FleetResilience fleet, int n) {
        List<BackendResilience> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(fleet.backend("b" + i));
        }
        return list;
    }

    private static void eject(BackendResilience b) {
        b.record(AttemptOutcome.UNREACHABLE); // one error ejects under these tests' config
        assertThat(b.ejected()).isTrue();
    }

    private static List<String> routable(GroupHealth group, List<BackendResilience> members) {
        return members.stream().filter(group::routable).map(BackendResilience::name).toList();
    }
}
