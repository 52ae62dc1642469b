import {
  type DeploymentConfig,
  type ModelGroupConfig,
  ModelGroupSchema,
} from '../../config/model-groups-schema.js';
import { ReelayError } from '../../domain/errors.js';

/** A deployment with what the hot path needs precomputed. */
export interface Deployment extends DeploymentConfig {
  /** The group it belongs to. */
  group: string;
  /** `<baseUrl>/chat/completions`. */
  url: URL;
  /** Its API key, resolved from `apiKeyEnv` (never logged). */
  apiKey: string | undefined;
}

/**
 * The model groups and their deployments, validated once. Resolves a request's `model` and
 * `x-reelay-fallback-models` to an ordered chain of deployments.
 */
export class DeploymentCatalog {
  private readonly groups = new Map<string, { config: ModelGroupConfig; deployments: Deployment[] }>();
  private readonly deployments = new Map<string, Deployment>();

  constructor(groups: Readonly<Record<string, unknown>>, secrets: Readonly<Record<string, string>>) {
    for (const [name, raw] of Object.entries(groups)) {
      const parsed = ModelGroupSchema.safeParse(raw);
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new ReelayError(
          'REELAY_ERR_CONFIG',
          `Model group "${name}" is invalid — ${why}; fix modelGroups in the config.`,
        );
      }
      const list = parsed.data.deployments.map((d) => {
        if (this.deployments.has(d.id))
          throw new ReelayError(
            'REELAY_ERR_CONFIG',
            `Deployment id "${d.id}" is used twice in modelGroups; ids must be unique.`,
          );
        const base = d.baseUrl.endsWith('/') ? d.baseUrl : `${d.baseUrl}/`;
        const deployment: Deployment = {
          ...d,
          group: name,
          url: new URL('chat/completions', base),
          apiKey: d.apiKeyEnv ? secrets[d.apiKeyEnv] : undefined,
        };
        this.deployments.set(d.id, deployment);
        return deployment;
      });
      this.groups.set(name, { config: parsed.data, deployments: list });
    }
  }

  /** Group names, in config order. */
  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** A group's settings. */
  group(name: string): ModelGroupConfig | undefined {
    return this.groups.get(name)?.config;
  }

  /** A deployment by id. */
  deployment(id: string): Deployment | undefined {
    return this.deployments.get(id);
  }

  /** Every deployment of a group, in order. */
  deploymentsOf(group: string): readonly Deployment[] {
    return this.groups.get(group)?.deployments ?? [];
  }

  /**
   * The group a request's `model` names: a group name, or a deployment id (its group).
   * @throws ReelayError `REELAY_ERR_NOT_FOUND` listing the groups.
   */
  resolveGroup(model: string): { group: string; pinned: Deployment | undefined } {
    if (this.groups.has(model)) return { group: model, pinned: undefined };
    const d = this.deployments.get(model);
    if (d) return { group: d.group, pinned: d };
    throw new ReelayError(
      'REELAY_ERR_NOT_FOUND',
      `No model group "${model.slice(0, 100)}"; use one of: ${this.groupNames().join(', ') || '(none configured)'} (GET /v1/models).`,
      { details: { fields: [{ field: 'model', message: 'unknown model group' }] } },
    );
  }

  /**
   * The chain of a request: `x-reelay-fallback-models` entries (deployment ids or group names,
   * expanded) when given, else the group's deployments with a deployment named as `model` first.
   */
  chain(
    group: string,
    pinned: Deployment | undefined,
    explicit: readonly string[] | undefined,
  ): Deployment[] {
    if (explicit && explicit.length > 0) {
      const out: Deployment[] = [];
      for (const name of explicit) {
        const found = this.deployments.get(name)
          ? [this.deployments.get(name) as Deployment]
          : this.groups.get(name)?.deployments;
        if (!found)
          throw new ReelayError(
            'REELAY_ERR_VALIDATION',
            `x-reelay-fallback-models names "${name.slice(0, 100)}", which is neither a deployment nor a group.`,
            {
              details: {
                fields: [{ field: 'x-reelay-fallback-models', message: 'unknown deployment or group' }],
              },
            },
          );
        for (const d of found) if (!out.includes(d)) out.push(d);
      }
      return out;
    }
    const list = [...this.deploymentsOf(group)];
    return pinned ? [pinned, ...list.filter((d) => d !== pinned)] : list;
  }
}
