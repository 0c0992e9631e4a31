package io.llmrelay.server.log;

import net.logstash.logback.argument.StructuredArgument;

/**
 * A log argument that writes its fields with plain generator calls (names, strings, numbers, null;
 * never an object through a codec), so its line is the same whichever generator writes it: lines
 * whose structured arguments are all of this kind skip the logstash encoder's provider chain
 * ({@link JsonLineEncoder}).
 */
public interface JsonFields extends StructuredArgument {}
