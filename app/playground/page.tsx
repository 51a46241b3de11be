// playground/page.tsx - a container from an editable config.json, with the same terminal and panels as a lesson.
import { Playground } from '../components/Playground.tsx';

export default function PlaygroundPage() {
  return <Playground />;
}
