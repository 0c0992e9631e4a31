/** Benchmarks for llm-relay: JMH microbenchmarks, the open-loop load generator and the mock backend. */
package io.llmrelay.bench;
