/// <reference lib="webworker" />
/**
 * The engine Worker: exposes an EngineRunner (see runner.ts and protocol.ts) through Comlink.
 * The simulation runs here so the page stays responsive however large the scenario is.
 */
import * as Comlink from 'comlink';
import { EngineRunner } from './runner';

Comlink.expose(new EngineRunner());
