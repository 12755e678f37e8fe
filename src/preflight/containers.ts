import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerMapping, ImageConfig } from '../config/types';
import type { ResolvedMapping } from '../model/contracts';

/** Resolves each mapping's container against the task definition, naming the choices when it cannot. */
export function resolveContainers(
  service: string,
  td: TaskDefinition,
  mappings: ContainerMapping[],
): { containers: ResolvedMapping[]; problems: string[] } {
  const names = (td.containerDefinitions ?? []).map((c) => c.name ?? '');
  const where = `service ${service}: task definition ${td.family}:${td.revision}`;
  const choices = names.map((n) => `"${n}"`).join(', ');
  const containers: ResolvedMapping[] = [];
  const problems: string[] = [];
  for (const m of mappings) {
    if (m.container === undefined) {
      const only = names.length === 1 ? names[0] : undefined;
      if (only === undefined) {
        problems.push(
          `${where} has ${names.length} containers (${choices}); name the one that runs image "${m.image}" ` +
            '(the <key>-container input, or containers: { <container>: <key> } in the config).',
        );
      } else containers.push({ container: only, image: m.image });
    } else if (!names.includes(m.container)) {
      problems.push(
        `${where} has no container "${m.container}"; its containers are ${choices}. Fix the container name for image "${m.image}".`,
      );
    } else containers.push({ container: m.container, image: m.image });
  }
  const seen = new Set<string>();
  for (const c of containers) {
    if (seen.has(c.container))
      problems.push(`service ${service}: container "${c.container}" is mapped to more than one image.`);
    seen.add(c.container);
  }
  return { containers, problems };
}

const ARCH: Record<string, string> = { X86_64: 'amd64', ARM64: 'arm64' };

/** The architecture a task definition runs on, when it says or when Fargate implies it. */
export function taskArchitecture(td: TaskDefinition): string | undefined {
  const declared = td.runtimePlatform?.cpuArchitecture;
  if (declared) return ARCH[declared] ?? declared.toLowerCase();
  // Fargate without runtimePlatform runs Linux on X86_64; EC2 depends on the instances (unknown here).
  return td.requiresCompatibilities?.includes('FARGATE') ? 'amd64' : undefined;
}

/** An image built for another CPU starts and dies with `exec format error`: refuse before building. */
export function checkPlatform(
  service: string,
  td: TaskDefinition,
  containers: ResolvedMapping[],
  images: ImageConfig[],
): string[] {
  const problems: string[] = [];
  const arch = taskArchitecture(td);
  const os = td.runtimePlatform?.operatingSystemFamily;
  for (const c of containers) {
    const image = images.find((i) => i.key === c.image);
    if (!image) continue;
    const [imageOs, imageArch] = image.platform.split('/');
    if (os && os !== 'LINUX' && imageOs === 'linux') {
      problems.push(
        `service ${service}: task definition ${td.family}:${td.revision} runs ${os}, but image "${c.image}" is built for ${image.platform}.`,
      );
    }
    if (arch && imageArch && arch !== imageArch) {
      problems.push(
        `service ${service}: task definition ${td.family}:${td.revision} runs on ${td.runtimePlatform?.cpuArchitecture ?? 'X86_64 (Fargate default)'}, ` +
          `but image "${c.image}" is built for ${image.platform}; set platform to linux/${arch} (or change the task definition's runtimePlatform).`,
      );
    }
  }
  return problems;
}
