// The API contract (electron/core/api/finetune.ts) and the engine's training types
// (engine/train/{config,loop}.ts) describe the same data, written twice because the engine may not
// import the contract. This file holds them together: the type assertions below stop `tsc` (part of
// `npm test`) when one side gains, loses or retypes a field; the runtime tests check the values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import {
  finetuneConfig,
  type FinetuneConfig,
  type FinetuneEvalMetrics,
  type FinetuneStepMetrics,
  type LoraTargetName,
} from '../api/finetune.ts';
import { DEFAULT_TRAIN_CONFIG, GEMMA3_270M_PRESET, CONFIG_HELP, type TrainConfig } from '../engine/train/config.ts';
import type { EvalMetrics, StepMetrics } from '../engine/train/loop.ts';
import { LORA_TARGETS, type LoraTarget } from '../engine/train/lora.ts';
import type { ScheduleKind } from '../engine/train/schedule.ts';

/** true when A and B are assignable to each other (and neither is any). */
type Mutual<A, B> = 0 extends 1 & A ? false : 0 extends 1 & B ? false : [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile unless T is true. */
type Assert<T extends true> = T;

export type Checks = [
  Assert<Mutual<FinetuneConfig, TrainConfig>>,
  Assert<Mutual<FinetuneConfig, z.infer<typeof finetuneConfig>>>,
  Assert<Mutual<FinetuneStepMetrics, StepMetrics>>,
  Assert<Mutual<FinetuneEvalMetrics, EvalMetrics>>,
  Assert<Mutual<LoraTargetName, LoraTarget>>,
  Assert<Mutual<FinetuneConfig['schedule'], ScheduleKind>>,
  // the checks themselves can fail: an extra field breaks mutual assignability
  Assert<Mutual<Mutual<FinetuneConfig, TrainConfig & { extra: number }>, false>>,
  Assert<Mutual<Mutual<FinetuneStepMetrics, Omit<StepMetrics, 'etaMs'>>, false>>,
];

test("the engine's defaults and the 270M preset pass the contract's schema, and the schema names exactly the engine's settings", () => {
  assert.deepEqual(finetuneConfig.parse(DEFAULT_TRAIN_CONFIG), DEFAULT_TRAIN_CONFIG);
  assert.deepEqual(finetuneConfig.parse(GEMMA3_270M_PRESET), GEMMA3_270M_PRESET);
  assert.deepEqual(Object.keys(finetuneConfig.shape).sort(), Object.keys(DEFAULT_TRAIN_CONFIG).sort());
  assert.deepEqual(Object.keys(CONFIG_HELP).sort(), Object.keys(DEFAULT_TRAIN_CONFIG).sort());
});

test("the contract's target names are the engine's LoRA targets", () => {
  assert.deepEqual([...finetuneConfig.shape.targets.element.options].sort(), [...LORA_TARGETS].sort());
  assert.deepEqual([...finetuneConfig.shape.schedule.options].sort(), ['constant', 'cosine', 'linear']);
});
