"""Pure conversation logic: step(state, event, ctx) -> Transition, without any I/O."""
