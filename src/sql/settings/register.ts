// Owns wiring the cluster-setting and zone-configuration statements into the
// session's dispatcher. Idempotent: registering twice replaces the handlers
// with the same ones.

import type { Statement } from '../parser/ast.js';
import { registerStatementHandler } from '../session/dispatch.js';
import { execSetClusterSetting, execShowClusterSetting, execShowClusterSettings } from './cluster-settings.js';
import { execConfigureZone, execShowZoneConfig } from './zone-statements.js';

type Of<K extends Statement['kind']> = Extract<Statement, { kind: K }>;

export function registerSettingsHandlers(): void {
  registerStatementHandler('setClusterSetting', (s, env) => execSetClusterSetting(s as Of<'setClusterSetting'>, env));
  registerStatementHandler('showClusterSetting', (s, env) => execShowClusterSetting(s as Of<'showClusterSetting'>, env));
  registerStatementHandler('showClusterSettings', (s, env) => execShowClusterSettings(s as Of<'showClusterSettings'>, env));
  registerStatementHandler('configureZone', (s, env) => execConfigureZone(s as Of<'configureZone'>, env));
  registerStatementHandler('showZoneConfig', (s, env) => execShowZoneConfig(s as Of<'showZoneConfig'>, env));
}
