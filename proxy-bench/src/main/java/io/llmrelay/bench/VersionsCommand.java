package io.llmrelay.bench;

import io.netty.util.Version;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints the Netty and JVM versions the bench jar runs with (for the report). */
@Command(name = "versions", description = "Print the Netty artifact versions and the JVM in this jar.")
final class VersionsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Version v = Version.identify().get("netty-codec-http");
        System.out.println("netty " + (v == null ? "unknown" : v.artifactVersion()));
        System.out.println("jvm " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        return 0;
    }
}
